import { AuthenticationClient } from 'genauth-wxapp-sdk';
import config from './config';

// One client for the whole mini program; every page imports this one.
export const genauth = new AuthenticationClient({ appId: config.appId, host: config.host });
