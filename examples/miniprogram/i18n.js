// The user's language, from WeChat's: zh_CN → 'zh-CN', anything else → 'en-US'. app.js gives it
// to the SDK (`lang`), so every error.message comes in it; the pages' own words follow it too.
// (wx.getAppBaseInfo from base library 2.20.1; wx.getSystemInfoSync, deprecated since, before.)
const { language } = wx.getAppBaseInfo ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
const lang = language === 'zh_CN' ? 'zh-CN' : 'en-US';

const WORDS = {
  'zh-CN': {
    login: '微信一键登录',
    phoneLogin: '手机号快捷登录',
    wechatLogin: '改用微信一键登录',
    bindPhone: '绑定手机号',
    agreePrivacy: '同意隐私保护指引',
    editProfile: '编辑资料',
    logout: '退出登录',
    goLogin: '去登录',
    wechatUser: '微信用户',
    userId: 'GenAuth 用户 ID：',
    phone: '手机号：',
    chooseAvatar: '选择头像',
    nickname: '昵称',
    saveNickname: '保存昵称',
    customFields: '自定义字段',
    saveFields: '保存自定义字段',
    school: '学校',
    age: '年龄',
    avatarSaved: '头像已更新',
    nicknameSaved: '昵称已保存',
    fieldsSaved: '自定义字段已保存',
    noChanges: '没有修改',
    needLogin: '请先登录',
    needNickname: '请填写昵称',
    retry: '，请稍后重试'
  },
  'en-US': {
    login: 'Log in with WeChat',
    phoneLogin: 'Log in with your phone number',
    wechatLogin: 'Log in with WeChat instead',
    bindPhone: 'Add your phone number',
    agreePrivacy: 'Accept the privacy guide',
    editProfile: 'Edit profile',
    logout: 'Log out',
    goLogin: 'Log in',
    wechatUser: 'WeChat user',
    userId: 'GenAuth user ID: ',
    phone: 'Phone: ',
    chooseAvatar: 'Choose an avatar',
    nickname: 'Nickname',
    saveNickname: 'Save nickname',
    customFields: 'Custom fields',
    saveFields: 'Save custom fields',
    school: 'School',
    age: 'Age',
    avatarSaved: 'Avatar updated',
    nicknameSaved: 'Nickname saved',
    fieldsSaved: 'Custom fields saved',
    noChanges: 'Nothing changed',
    needLogin: 'Please log in first',
    needNickname: 'Please enter a nickname',
    retry: '. Please try again later.'
  }
};
const t = WORDS[lang];

/**
 * What a page shows for a failed call: the SDK's message, already in the user's language (never
 * the error object itself), and a retry hint when the same call may work later.
 */
function errorText(error) {
  return error.retryable ? error.message + t.retry : error.message;
}

module.exports = { lang, t, errorText };
