const app = getApp();

Page({
  data: {
    user: null,
    busy: false,
    error: ''
  },

  // A returning user is still logged in: show who it is without a tap.
  async onLoad() {
    try {
      const user = await app.genauth.getCurrentUser();
      this.setData({ user });
    } catch (error) {
      this.setData({ error: `${error.code}: ${error.message}` });
    }
  },

  // The login button: wx.login + GenAuth in one call.
  async onLogin() {
    this.setData({ busy: true, error: '' });
    try {
      const user = await app.genauth.loginByCode();
      this.setData({ user });
    } catch (error) {
      this.setData({ error: `${error.code}: ${error.message}` });
    } finally {
      this.setData({ busy: false });
    }
  },

  async onLogout() {
    this.setData({ busy: true, error: '' });
    try {
      await app.genauth.logout();
      this.setData({ user: null });
    } catch (error) {
      this.setData({ error: `${error.code}: ${error.message}` });
    } finally {
      this.setData({ busy: false });
    }
  }
});
