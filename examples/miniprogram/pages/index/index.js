const app = getApp();
const { t, errorText } = require('../../i18n.js');

Page({
  data: {
    t,
    user: null,
    busy: false,
    error: ''
  },

  // Silent login when the mini program opens: wx.login + GenAuth in one call, no tap. The same
  // WeChat user always gets the same account.
  onLoad() {
    return this.run(() => app.genauth.loginByCode());
  },

  // Back from the profile or phone page: show what changed there.
  async onShow() {
    if (this.data.user) this.setData({ user: await app.genauth.getCurrentUser({ cached: true }) });
  },

  // The login button (after a logout, or when the silent login failed).
  onLogin() {
    return this.run(() => app.genauth.loginByCode());
  },

  onLogout() {
    return this.run(() =>
      app.genauth.logout().then(
        () => null,
        (error) => {
          // GenAuth could not be told, but this device is logged out: nothing left to do.
          if (error.code === 'LOGGED_OUT_LOCALLY') return null;
          throw error;
        }
      )
    );
  },

  // Runs one call that resolves the user to show (or null), showing its message if it fails.
  async run(call) {
    this.setData({ busy: true, error: '' });
    try {
      this.setData({ user: await call() });
    } catch (error) {
      this.setData({ error: errorText(error) });
    } finally {
      this.setData({ busy: false });
    }
  }
});
