'use strict';
// Plain CommonJS tests: no Babel transform needed.
module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js'], transform: {} };
