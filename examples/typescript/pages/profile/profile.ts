import { UdfValue, User, UserDefinedData } from 'genauth-wxapp-sdk';
import type { IAppOption } from '../../app';
import { isGenAuthError, messageFor } from '../../utils/errors';

const app = getApp<IAppOption>();

/** A custom field as the page shows it. */
interface FieldRow {
  key: string;
  label: string;
  text: string;
  /** Text, numbers and booleans are edited as text; other values are only shown. */
  editable: boolean;
}

function toText(value: UdfValue): string {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toRow(field: UserDefinedData): FieldRow {
  return {
    key: field.key,
    label: field.label ?? field.key,
    text: toText(field.value),
    editable: field.dataType === 'STRING' || field.dataType === 'NUMBER' || field.dataType === 'BOOLEAN',
  };
}

/** The text typed for a field, back in the field's type. */
function fromText(text: string, field: UserDefinedData): string | number | boolean {
  switch (field.dataType) {
    case 'NUMBER':
      return Number(text);
    case 'BOOLEAN':
      return text === 'true';
    default:
      return text;
  }
}

Page({
  data: {
    user: null as User | null,
    fields: [] as FieldRow[],
    busy: false,
    error: '',
    saved: '',
  },

  // The fields as listUdv gave them, to convert the form's text back.
  udv: [] as UserDefinedData[],

  async onLoad() {
    try {
      const user = await app.genauth.getCurrentUser();
      if (user === null) {
        wx.redirectTo({ url: '/pages/login/login' });
        return;
      }
      this.setData({ user });
      this.showFields(await app.genauth.listUdv());
    } catch (error) {
      this.setData({ error: messageFor(error) });
    }
  },

  showFields(udv: UserDefinedData[]) {
    this.udv = udv;
    this.setData({ fields: udv.map(toRow) });
  },

  // <form bindsubmit>: <input type="nickname" name="nickname">.
  async onSaveNickname(e: WechatMiniprogram.FormSubmit) {
    const nickname = String(e.detail.value.nickname ?? '').trim();
    if (nickname === '') return;
    await this.run('昵称已保存', async () => {
      const user = await app.genauth.updateProfile({ nickname });
      this.setData({ user });
    });
  },

  // <button open-type="chooseAvatar">: e.detail.avatarUrl is a local file; the SDK uploads it
  // and makes it the user's photo.
  async onChooseAvatar(e: WechatMiniprogram.CustomEvent<{ avatarUrl: string }>) {
    await this.run('头像已更新', async () => {
      this.setData({ user: await app.genauth.updateAvatar(e.detail.avatarUrl) });
    });
  },

  // Older base libraries: the SDK opens the image picker itself (closing it: CANCELLED).
  async onPickAvatar() {
    await this.run('头像已更新', async () => {
      this.setData({ user: await app.genauth.updateAvatar() });
    });
  },

  // One custom field per form (data-key on the form, <input name="value">).
  async onSaveField(e: WechatMiniprogram.FormSubmit<WechatMiniprogram.IAnyObject, { key: string }>) {
    const field = this.udv.find((f) => f.key === e.currentTarget.dataset.key);
    if (field === undefined) return;
    const value = fromText(String(e.detail.value.value ?? ''), field);
    await this.run('已保存', async () => {
      this.showFields(await app.genauth.setUdv(field.key, value));
    });
  },

  async onLogout() {
    this.setData({ busy: true, error: '', saved: '' });
    try {
      await app.genauth.logout();
    } catch (error) {
      // LOGGED_OUT_LOCALLY: GenAuth could not be told, but the session ended on the device.
      if (!isGenAuthError(error, 'LOGGED_OUT_LOCALLY')) {
        this.setData({ busy: false, error: messageFor(error) });
        return;
      }
    }
    wx.reLaunch({ url: '/pages/login/login' });
  },

  /** Runs one change, showing why when it fails. */
  async run(done: string, change: () => Promise<void>) {
    this.setData({ busy: true, error: '', saved: '' });
    try {
      await change();
      this.setData({ saved: done });
    } catch (error) {
      if (isGenAuthError(error, 'NOT_LOGGED_IN', 'SESSION_EXPIRED')) {
        wx.reLaunch({ url: '/pages/login/login' });
        return;
      }
      this.setData({ error: messageFor(error) });
    } finally {
      this.setData({ busy: false });
    }
  },
});
