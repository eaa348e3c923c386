export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    navigationBarTitleText: 'GenAuth 登录',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black'
  }
})
