// A login card: "微信登录" signs the user in and shows the nickname; a failure shows the
// SDK's message (in the client's language).
const { AuthenticationClient } = require('genauth-wxapp-sdk');
const config = require('../../config.js');

let client = null;
function genauth() {
  if (!client) client = new AuthenticationClient({ appId: config.appId, host: config.host });
  return client;
}

Component({
  data: { user: null, error: '' },
  methods: {
    async login() {
      this.setData({ error: '' });
      try {
        const user = await genauth().loginByCode();
        this.setData({ user: { id: user.id, nickname: user.nickname || '微信用户' } });
        this.triggerEvent('login', { id: user.id });
      } catch (error) {
        this.setData({ error: error.message });
      }
    },
  },
});
