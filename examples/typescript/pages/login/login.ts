import { User } from 'genauth-wxapp-sdk';
import type { IAppOption } from '../../app';
import { isGenAuthError, messageFor, withRetry } from '../../utils/errors';

const app = getApp<IAppOption>();

Page({
  data: {
    user: null as User | null,
    busy: false,
    error: '',
    // The user has not accepted the privacy agreement yet (WX_PRIVACY_DENIED).
    needsPrivacy: false,
  },

  // A returning user is still logged in: show who it is without a request.
  async onLoad() {
    try {
      const user = await app.genauth.getCurrentUser({ cached: true });
      this.setData({ user });
    } catch (error) {
      this.showError(error);
    }
  },

  // The WeChat login button: wx.login and GenAuth in one call.
  async onLogin() {
    await this.login(() => withRetry(() => app.genauth.loginByCode()));
  },

  // <button open-type="getPhoneNumber">: its e.detail goes to the SDK as it is (the client
  // took a wx.login code before the tap; never call wx.login here).
  async onPhone(e: WechatMiniprogram.ButtonGetPhoneNumber) {
    await this.login(() => app.genauth.loginByPhone(e.detail));
  },

  // <button open-type="agreePrivacyAuthorization">: the phone button works now.
  onAgreePrivacy() {
    this.setData({ needsPrivacy: false, error: '' });
  },

  onProfile() {
    wx.navigateTo({ url: '/pages/profile/profile' });
  },

  async login(call: () => Promise<User>) {
    this.setData({ busy: true, error: '', needsPrivacy: false });
    try {
      const user: User = await call();
      this.setData({ user });
      const greeting = user.nickname ?? user.phone ?? user.id;
      wx.showToast({ title: `欢迎，${greeting}`, icon: 'none' });
    } catch (error) {
      if (isGenAuthError(error, 'WX_CODE_NOT_READY')) {
        // The client is fetching a code for the next tap.
        this.setData({ error: '请再点一次' });
      } else {
        this.showError(error);
      }
    } finally {
      this.setData({ busy: false });
    }
  },

  showError(error: unknown) {
    this.setData({
      error: messageFor(error),
      needsPrivacy: isGenAuthError(error, 'WX_PRIVACY_DENIED'),
    });
  },
});
