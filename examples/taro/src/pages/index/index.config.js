export default definePageConfig({
  navigationBarTitleText: 'GenAuth 登录'
})
