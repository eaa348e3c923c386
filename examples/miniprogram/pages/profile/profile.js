const app = getApp();

// Custom fields come converted by their type (see listUdv). The page edits text, numbers and
// booleans as text and saves them back with their type; other values are shown only.
function editable(value) {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function toText(value) {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function fromText(text, old) {
  if (typeof old === 'number') return Number(text);
  if (typeof old === 'boolean') return text === 'true';
  return text;
}

Page({
  data: {
    user: null,
    // [{ key, text, editable }], from getUdfValue()
    fields: [],
    busy: false,
    error: '',
    saved: ''
  },

  async onLoad() {
    try {
      const user = await app.genauth.getCurrentUser();
      if (!user) {
        this.setData({ error: '请先登录' });
        return;
      }
      this.setData({ user });
      await this.loadFields();
    } catch (error) {
      this.setData({ error: error.message });
    }
  },

  async loadFields() {
    const values = await app.genauth.getUdfValue();
    this.values = values;
    const fields = Object.keys(values).map((key) => ({
      key,
      text: toText(values[key]),
      editable: editable(values[key])
    }));
    this.setData({ fields });
  },

  // <button open-type="chooseAvatar">: e.detail.avatarUrl is a local file; the SDK uploads it
  // and makes it the user's photo.
  async onAvatar(e) {
    await this.run('头像已更新', async () => {
      const user = await app.genauth.updateAvatar(e.detail.avatarUrl);
      this.setData({ user });
    });
  },

  // The nickname form. WeChat checks a type="nickname" input when it loses focus and may clear
  // it, so the value is read on submit.
  async onSave(e) {
    const nickname = String(e.detail.value.nickname || '').trim();
    if (!nickname) {
      this.setData({ error: '请填写昵称', saved: '' });
      return;
    }
    await this.run('昵称已保存', async () => {
      const user = await app.genauth.updateProfile({ nickname });
      this.setData({ user });
    });
  },

  // The custom-fields form: only the changed fields are sent, in one setUdfValue call.
  async onSaveFields(e) {
    const texts = e.detail.value;
    const old = this.values || {};
    const changes = {};
    let count = 0;
    Object.keys(texts).forEach((key) => {
      if (!Object.prototype.hasOwnProperty.call(old, key) || !editable(old[key])) return;
      if (texts[key] === toText(old[key])) return;
      changes[key] = fromText(texts[key], old[key]);
      count += 1;
    });
    if (count === 0) {
      this.setData({ error: '', saved: '没有修改' });
      return;
    }
    await this.run('自定义字段已保存', async () => {
      await app.genauth.setUdfValue(changes);
      await this.loadFields();
    });
  },

  // Runs one change, showing GenAuth's message when it fails.
  async run(done, change) {
    this.setData({ busy: true, error: '', saved: '' });
    try {
      await change();
      this.setData({ saved: done });
    } catch (error) {
      this.setData({ error: error.message });
    } finally {
      this.setData({ busy: false });
    }
  }
});
