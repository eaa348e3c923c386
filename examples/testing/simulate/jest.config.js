'use strict';
// miniprogram-simulate renders components into a DOM: jest's jsdom environment. Plain
// CommonJS: no Babel transform needed.
module.exports = { testEnvironment: 'jsdom', testMatch: ['**/*.test.js'], transform: {} };
