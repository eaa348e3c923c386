const app = getApp();

Page({
  data: {
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
      this.setData({ error: error.message });
    }
  },

  // The getPhoneNumber button. Its e.detail goes to the SDK as it is: the wx.login code was
  // taken by the client before the tap. Never call wx.login here: a new login may rotate the
  // session key the phone number was encrypted with, and GenAuth could not decrypt it.
  async onPhone(e) {
    this.setData({ busy: true, error: '', needsPrivacy: false });
    try {
      const user = await app.genauth.loginByPhone(e.detail);
      this.setData({ user });
    } catch (error) {
      // WX_PHONE_DENIED: the user said no (the page offers the WeChat login instead);
      // WX_CODE_NOT_READY: the client is getting a code, tap again; the message says so.
      this.setData({ error: error.message, needsPrivacy: error.code === 'WX_PRIVACY_DENIED' });
    } finally {
      this.setData({ busy: false });
    }
  },

  // <button open-type="agreePrivacyAuthorization">: the user agreed; the phone button works now.
  onAgreePrivacy() {
    this.setData({ needsPrivacy: false, error: '' });
  }
});
