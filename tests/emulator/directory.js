'use strict';
// Pool-level data the admin API seeds: user-defined field definitions (per pool), and per user the
// roles, authorized resources, organization paths and allowed applications. Seeding validates its
// input and fills in the fields a real server would return.

const { fail } = require('./errors');
const { iso, randomId } = require('./users');

const UDF_DATA_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'OBJECT'];
const RESOURCE_TYPES = ['DATA', 'API', 'MENU', 'UI', 'BUTTON'];

/** Every pool starts with one field of each data type. */
const DEFAULT_UDFS = [
  { key: 'school', dataType: 'STRING', label: '学校' },
  { key: 'age', dataType: 'NUMBER', label: '年龄' },
  { key: 'vip', dataType: 'BOOLEAN', label: '是否 VIP' },
  { key: 'birthday', dataType: 'DATETIME', label: '生日' },
  { key: 'preferences', dataType: 'OBJECT', label: '偏好设置' },
];

function nonEmptyString(value) {
  return typeof value === 'string' && value !== '';
}

// ---------------------------------------------------------------------------------------------
// User-defined fields

/** The field definitions of a pool (a Map key -> {key, dataType, label}), seeded on first use. */
function udfsOf(state, userPoolId) {
  if (!state.udfs.has(userPoolId)) {
    state.udfs.set(userPoolId, new Map(DEFAULT_UDFS.map((udf) => [udf.key, Object.assign({}, udf)])));
  }
  return state.udfs.get(userPoolId);
}

/** Admin: defines (or redefines) a field {key, dataType = 'STRING', label = key, userPoolId = 'pool-default'}. */
function defineUdf(state, spec) {
  if (!spec || typeof spec !== 'object') throw new Error('a field is {key, dataType?, label?, userPoolId?}');
  if (!nonEmptyString(spec.key)) throw new Error('udf.key must be a non-empty string');
  const dataType = spec.dataType === undefined ? 'STRING' : spec.dataType;
  if (UDF_DATA_TYPES.indexOf(dataType) < 0) throw new Error('udf.dataType must be one of ' + UDF_DATA_TYPES.join(', '));
  const label = spec.label === undefined ? spec.key : spec.label;
  if (typeof label !== 'string') throw new Error('udf.label must be a string');
  const udf = { key: spec.key, dataType, label };
  udfsOf(state, spec.userPoolId || 'pool-default').set(udf.key, udf);
  return Object.assign({}, udf);
}

/** Whether `value` (the string the SDK sends, JSON.stringify of the app's value) suits `dataType`. */
function suitsDataType(dataType, value) {
  if (dataType === 'STRING') return true;
  if (dataType === 'DATETIME') return !Number.isNaN(datetimeMs(value));
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return false;
  }
  if (dataType === 'NUMBER') return typeof parsed === 'number';
  if (dataType === 'BOOLEAN') return typeof parsed === 'boolean';
  return parsed !== null && typeof parsed === 'object'; // OBJECT
}

/** The definition of `key` in the pool; 400 when the pool defines no such field. */
function udfFor(state, userPoolId, key) {
  const udf = udfsOf(state, userPoolId).get(key);
  if (!udf) fail([400], '自定义字段 ' + key + ' 不存在');
  return udf;
}

/**
 * Checks a list of [key, value] (values already strings) against the pool's fields and returns it;
 * nothing is stored, so callers can check everything before changing anything.
 */
function checkUdvList(state, userPoolId, entries) {
  for (const [key, value] of entries) {
    const udf = udfFor(state, userPoolId, key);
    if (typeof value !== 'string' || !suitsDataType(udf.dataType, value)) {
      fail([400], '自定义字段 ' + key + ' 的值不是合法的 ' + udf.dataType);
    }
  }
  return entries;
}

/**
 * The SDKs send every value as JSON text (`JSON.stringify(value)`), and read a STRING back as
 * it is and a DATETIME with `parseInt`: so the server (inferred from the v4 SDK's documented
 * round trip, `setUdfValue({school: '…'})` → `getUdfValue()` → `{school: '…'}`) stores a
 * STRING as the string the JSON holds, a DATETIME as its milliseconds, the rest as the JSON.
 */
function storedValue(dataType, value) {
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return value;
  }
  if (dataType === 'STRING') return typeof parsed === 'string' ? parsed : value;
  if (dataType === 'DATETIME') return String(datetimeMs(value));
  return value;
}

/** A DATETIME value's milliseconds: JSON of a date string or a number, or plain digits. */
function datetimeMs(value) {
  let parsed = value;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    // Plain text: a date string or digits.
  }
  if (typeof parsed === 'number') return Number.isFinite(parsed) ? Math.trunc(parsed) : NaN;
  if (typeof parsed !== 'string') return NaN;
  if (/^\d+$/.test(parsed)) return Number(parsed);
  return Date.parse(parsed);
}

function applyUdvList(state, user, entries) {
  for (const [key, value] of entries) user.udv[key] = storedValue(udfFor(state, user.userPoolId, key).dataType, value);
}

/** The user's values as `udv` returns them: [{key, dataType, value (string), label}], in definition order. */
function udvList(state, user) {
  const list = [];
  for (const udf of udfsOf(state, user.userPoolId).values()) {
    if (Object.prototype.hasOwnProperty.call(user.udv, udf.key)) {
      list.push({ key: udf.key, dataType: udf.dataType, value: user.udv[udf.key], label: udf.label });
    }
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Roles, resources, organizations, applications (admin seeding; each replaces the user's list)

function seedList(name, items, build) {
  if (!Array.isArray(items)) throw new Error(name + ' must be an array');
  return items.map((item, index) => {
    if (!item || typeof item !== 'object') throw new Error(name + '[' + index + '] must be an object');
    return build(item, name + '[' + index + ']');
  });
}

/** Roles [{code, namespace = 'default', description = null, id?}] -> Role objects. */
function buildRoles(state, user, roles) {
  const now = iso(state.now());
  return seedList('roles', roles, (role, where) => {
    if (!nonEmptyString(role.code)) throw new Error(where + '.code must be a non-empty string');
    const namespace = role.namespace === undefined ? 'default' : role.namespace;
    if (!nonEmptyString(namespace)) throw new Error(where + '.namespace must be a non-empty string');
    return {
      id: role.id === undefined ? randomId() : String(role.id),
      code: role.code,
      arn: 'arn:cn:authing:' + user.userPoolId + ':role:' + namespace + ':' + role.code,
      namespace,
      description: role.description === undefined ? null : role.description,
      parent: null,
      createdAt: now,
      updatedAt: now,
    };
  });
}

/** Resources [{code, type = 'DATA', actions = ['*'], namespace = 'default'}]. */
function buildResources(resources) {
  return seedList('resources', resources, (resource, where) => {
    if (!nonEmptyString(resource.code)) throw new Error(where + '.code must be a non-empty string');
    const type = resource.type === undefined ? 'DATA' : resource.type;
    if (RESOURCE_TYPES.indexOf(type) < 0) throw new Error(where + '.type must be one of ' + RESOURCE_TYPES.join(', '));
    const actions = resource.actions === undefined ? ['*'] : resource.actions;
    if (!Array.isArray(actions) || !actions.every(nonEmptyString)) throw new Error(where + '.actions must be an array of strings');
    const namespace = resource.namespace === undefined ? 'default' : resource.namespace;
    if (!nonEmptyString(namespace)) throw new Error(where + '.namespace must be a non-empty string');
    return { code: resource.code, type, actions: actions.slice(), namespace };
  });
}

/**
 * Organization paths: an array of paths, each the nodes from the organization's root down to the
 * user's node, [{name, id?, code = null, description = null}] -> [{id, orgId, name, code, description, ...}].
 */
function buildOrgs(state, orgs) {
  const now = iso(state.now());
  if (!Array.isArray(orgs)) throw new Error('orgs must be an array of paths');
  return orgs.map((path, index) => {
    if (!Array.isArray(path) || path.length === 0) throw new Error('orgs[' + index + '] must be a non-empty array of nodes');
    const nodes = seedList('orgs[' + index + ']', path, (node, where) => {
      if (!nonEmptyString(node.name)) throw new Error(where + '.name must be a non-empty string');
      return {
        id: node.id === undefined ? randomId() : String(node.id),
        name: node.name,
        code: node.code === undefined ? null : node.code,
        description: node.description === undefined ? null : node.description,
        createdAt: now,
        updatedAt: now,
      };
    });
    return nodes.map((node) => Object.assign({ orgId: nodes[0].id }, node));
  });
}

/** Applications [{id, name, logo?, domain?, description?, protocol = 'oidc'}] -> ApplicationPublicDetail. */
function buildApplications(state, applications) {
  const now = iso(state.now());
  return seedList('applications', applications, (application, where) => {
    if (!nonEmptyString(application.id)) throw new Error(where + '.id must be a non-empty string');
    if (!nonEmptyString(application.name)) throw new Error(where + '.name must be a non-empty string');
    return applicationDetail(application, now);
  });
}

function applicationDetail(application, createdAt) {
  const or = (value, fallback) => (value === undefined ? fallback : value);
  return {
    id: application.id,
    createdAt,
    updatedAt: createdAt,
    name: application.name,
    logo: or(application.logo, null),
    domain: or(application.domain, null),
    description: or(application.description, null),
    protocol: or(application.protocol, 'oidc'),
  };
}

/** The applications a user may use: the seeded list, else every app of the user's pool. */
function allowedApplications(state, user) {
  if (user.applications) return user.applications;
  return Array.from(state.apps.values())
    .filter((app) => app.userPoolId === user.userPoolId)
    .map((app) => applicationDetail({ id: app.appId, name: app.appId }, iso(state.startedAt)));
}

/** Admin: the user a seed applies to; throws when there is none. */
function seedTarget(state, userId) {
  const user = typeof userId === 'string' ? state.users.get(userId) : undefined;
  if (!user) throw new Error('no user with id ' + userId);
  return user;
}

module.exports = {
  RESOURCE_TYPES,
  udfsOf,
  defineUdf,
  udfFor,
  checkUdvList,
  applyUdvList,
  udvList,
  buildRoles,
  buildResources,
  buildOrgs,
  buildApplications,
  allowedApplications,
  seedTarget,
};
