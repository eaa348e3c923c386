const app = getApp();
const { t, errorText } = require('../../i18n.js');

// The custom fields this page edits: user-defined fields of your user pool (GenAuth console),
// with their data types. The page names them because getUdfValue() returns only the fields
// that have a value (and the SDK cannot list the pool's definitions).
const FIELDS = [
  { key: 'school', type: 'STRING' },
  { key: 'age', type: 'NUMBER' }
];

Page({
  data: {
    t,
    user: null,
    // [{ key, type, label, text }]: FIELDS with the user's values, from getUdfValue()
    fields: [],
    busy: false,
    error: '',
    saved: ''
  },

  async onLoad() {
    await this.run('', async () => {
      const user = await app.genauth.getCurrentUser();
      this.setData({ user, error: user ? '' : t.needLogin });
      if (user) await this.loadFields();
    });
  },

  async loadFields() {
    const values = await app.genauth.getUdfValue(); // { school: '…', age: 18 }, converted by type
    const fields = FIELDS.map(({ key, type }) => ({
      key,
      type,
      label: t[key],
      text: values[key] === undefined ? '' : String(values[key])
    }));
    this.setData({ fields });
  },

  // <button open-type="chooseAvatar">: e.detail.avatarUrl is a local file; the SDK uploads it
  // and makes it the user's photo.
  onAvatar(e) {
    return this.run(t.avatarSaved, async () => {
      this.setData({ user: await app.genauth.updateAvatar(e.detail.avatarUrl) });
    });
  },

  // The nickname form. WeChat checks a type="nickname" input when it loses focus and may clear
  // it, so the value is read on submit, not in bindblur / bindinput.
  onSave(e) {
    const nickname = String(e.detail.value.nickname || '').trim();
    if (!nickname) return this.setData({ error: t.needNickname, saved: '' });
    return this.run(t.nicknameSaved, async () => {
      this.setData({ user: await app.genauth.updateProfile({ nickname }) });
    });
  },

  // The custom-fields form: the changed fields, typed, in one setUdfValue call.
  onSaveFields(e) {
    const changes = {};
    this.data.fields.forEach(({ key, type, text }) => {
      const value = String(e.detail.value[key] || '').trim();
      if (value && value !== text) changes[key] = type === 'NUMBER' ? Number(value) : value;
    });
    if (!Object.keys(changes).length) return this.setData({ error: '', saved: t.noChanges });
    return this.run(t.fieldsSaved, async () => {
      await app.genauth.setUdfValue(changes);
      await this.loadFields();
    });
  },

  // Runs one change: `done` when it worked, the SDK's message when it failed.
  async run(done, change) {
    this.setData({ busy: true, error: '', saved: '' });
    try {
      await change();
      this.setData({ saved: done });
    } catch (error) {
      this.setData({ error: errorText(error) });
    } finally {
      this.setData({ busy: false });
    }
  }
});
