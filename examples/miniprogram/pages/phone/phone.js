const app = getApp();
const { t, errorText } = require('../../i18n.js');

Page({
  data: {
    t,
    user: null,
    busy: false,
    error: '',
    // The user has not agreed to the privacy guide yet (WX_PRIVACY_DENIED).
    needsPrivacy: false
  },

  async onLoad() {
    try {
      const user = await app.genauth.getCurrentUser({ cached: true });
      this.setData({ user });
    } catch (error) {
      this.setData({ error: errorText(error) });
    }
  },

  // The getPhoneNumber button. Its e.detail goes to the SDK as it is: the wx.login code was
  // taken by the client before the tap. Never call wx.login here: a new login may rotate the
  // session key the phone number was encrypted with, and GenAuth could not decrypt it.
  // A new phone is bound to this WeChat user; a phone GenAuth knows logs into its account.
  async onPhone(e) {
    this.setData({ busy: true, error: '', needsPrivacy: false });
    try {
      const user = await app.genauth.loginByPhone(e.detail);
      this.setData({ user });
    } catch (error) {
      // WX_PHONE_DENIED: the user said no; the page still offers the WeChat login.
      // WX_CODE_NOT_READY: the client is getting a code; the message asks to tap again.
      if (error.code === 'WX_PHONE_DENIED') return;
      this.setData({ error: errorText(error), needsPrivacy: error.code === 'WX_PRIVACY_DENIED' });
    } finally {
      this.setData({ busy: false });
    }
  },

  // <button open-type="agreePrivacyAuthorization">: the user agreed; the phone button works now.
  onAgreePrivacy() {
    this.setData({ needsPrivacy: false, error: '' });
  }
});
