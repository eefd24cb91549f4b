// Open lines (imopenlines.config.*, imopenlines.revision.get): every field of
// protocol-openlines.md §2 stored and shown back typed as the reference shows it
// (imopenlines-config-get.md: strings, lists, an object, nulls), the queue (users and
// departments), the list with select/order/filter/limit/offset and its INVALID_FORMAT errors,
// and who may change lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
let opId, op2Id, plainId;
let plain;  // webhook of a user who is no administrator (scope imopenlines)
let noScope;  // webhook without the imopenlines scope

before(async () => {
  server = await startServer();
  opId = server.cli('user', 'add', '--name', 'Olga', '--last-name', 'Operator').user_id;
  op2Id = server.cli('user', 'add', '--name', 'Oscar', '--department', '1').user_id;
  plainId = server.cli('user', 'add', '--name', 'Paul').user_id;
  plain = server.cli('webhook', 'add', '--user', String(plainId), '--scope', 'imopenlines').webhook;
  noScope = server.cli('webhook', 'add', '--user', String(plainId), '--scope', 'im').webhook;
});
after(async () => { await server.cleanup(); });

// The reference's config.add example (imopenlines-config-add.md).
const EXAMPLE = {
  LINE_NAME: 'Online Store Support Line',
  QUEUE: null,  // filled in with real users
  QUEUE_TYPE: 'strictly',
  QUEUE_TIME: 45,
  NO_ANSWER_TIME: 120,
  WELCOME_MESSAGE: 'Y',
  WELCOME_MESSAGE_TEXT: 'Hello! We will respond within a couple of minutes',
  CRM: 'Y',
  CRM_CREATE: 'deal',
  CRM_SOURCE: 'openline_web',
  CRM_FORWARD: 'Y',
  MAX_CHAT: 4,
  TYPE_MAX_CHAT: 'answered_new',
  WORKTIME_ENABLE: 'Y',
  WORKTIME_FROM: '09:00',
  WORKTIME_TO: '21:00',
  WORKTIME_TIMEZONE: 'Europe/Berlin',
  WORKTIME_DAYOFF: ['SA', 'SU'],
  WORKTIME_DAYOFF_RULE: 'text',
  WORKTIME_DAYOFF_TEXT: 'The line is currently closed. Please write, and we will respond during working hours',
};

// Every key of the reference's config.get example, in its order.
const GET_KEYS = ['ID', 'ACTIVE', 'LINE_NAME', 'CRM', 'CRM_CREATE', 'CRM_CREATE_SECOND', 'CRM_CREATE_THIRD',
  'CRM_FORWARD', 'CRM_CHAT_TRACKER', 'CRM_TRANSFER_CHANGE', 'CRM_SOURCE', 'QUEUE_TIME', 'NO_ANSWER_TIME', 'QUEUE_TYPE',
  'CHECK_AVAILABLE', 'WATCH_TYPING', 'WELCOME_BOT_ENABLE', 'WELCOME_MESSAGE', 'WELCOME_MESSAGE_TEXT', 'VOTE_MESSAGE',
  'VOTE_TIME_LIMIT', 'VOTE_BEFORE_FINISH', 'VOTE_CLOSING_DELAY', 'VOTE_MESSAGE_1_TEXT', 'VOTE_MESSAGE_1_LIKE',
  'VOTE_MESSAGE_1_DISLIKE', 'VOTE_MESSAGE_2_TEXT', 'VOTE_MESSAGE_2_LIKE', 'VOTE_MESSAGE_2_DISLIKE',
  'AGREEMENT_MESSAGE', 'AGREEMENT_ID', 'CATEGORY_ENABLE', 'CATEGORY_ID', 'WELCOME_BOT_JOIN', 'WELCOME_BOT_ID',
  'WELCOME_BOT_TIME', 'WELCOME_BOT_LEFT', 'NO_ANSWER_RULE', 'NO_ANSWER_FORM_ID', 'NO_ANSWER_BOT_ID', 'NO_ANSWER_TEXT',
  'WORKTIME_ENABLE', 'WORKTIME_FROM', 'WORKTIME_TO', 'WORKTIME_TIMEZONE', 'WORKTIME_HOLIDAYS', 'WORKTIME_DAYOFF',
  'WORKTIME_DAYOFF_RULE', 'WORKTIME_DAYOFF_FORM_ID', 'WORKTIME_DAYOFF_BOT_ID', 'WORKTIME_DAYOFF_TEXT', 'CLOSE_RULE',
  'CLOSE_FORM_ID', 'CLOSE_BOT_ID', 'CLOSE_TEXT', 'FULL_CLOSE_TIME', 'AUTO_CLOSE_RULE', 'AUTO_CLOSE_FORM_ID',
  'AUTO_CLOSE_BOT_ID', 'AUTO_CLOSE_TIME', 'AUTO_CLOSE_TEXT', 'AUTO_EXPIRE_TIME', 'DATE_CREATE', 'DATE_MODIFY',
  'MODIFY_USER_ID', 'TEMPORARY', 'XML_ID', 'LANGUAGE_ID', 'QUICK_ANSWERS_IBLOCK_ID', 'SESSION_PRIORITY',
  'TYPE_MAX_CHAT', 'MAX_CHAT', 'OPERATOR_DATA', 'DEFAULT_OPERATOR_DATA', 'KPI_FIRST_ANSWER_TIME',
  'KPI_FIRST_ANSWER_ALERT', 'KPI_FIRST_ANSWER_LIST', 'KPI_FIRST_ANSWER_TEXT', 'KPI_FURTHER_ANSWER_TIME',
  'KPI_FURTHER_ANSWER_ALERT', 'KPI_FURTHER_ANSWER_LIST', 'KPI_FURTHER_ANSWER_TEXT', 'KPI_CHECK_OPERATOR_ACTIVITY',
  'SEND_NOTIFICATION_EMPTY_QUEUE', 'USE_WELCOME_FORM', 'WELCOME_FORM_ID', 'WELCOME_FORM_DELAY',
  'SEND_WELCOME_EACH_SESSION', 'CONFIRM_CLOSE', 'IGNORE_WELCOME_FORM_RESPONSIBLE', 'QUEUE', 'QUEUE_FULL',
  'QUEUE_USERS_FIELDS', 'QUEUE_ONLINE'];

const add = async (params, opts) => (await server.ok('imopenlines.config.add', { PARAMS: params }, opts)).result;
const get = async (id, extra = {}) => (await server.ok('imopenlines.config.get', { CONFIG_ID: id, ...extra })).result;

test('config.add with the reference example; config.get shows every field as a string, in the reference order', async () => {
  const id = await add({ ...EXAMPLE, QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: String(opId) },
    { ENTITY_TYPE: 'user', ENTITY_ID: String(op2Id) }] });
  assert.equal(typeof id, 'number');
  const line = await get(id);
  assert.deepEqual(Object.keys(line), GET_KEYS);
  assert.equal(line.ID, String(id));
  assert.equal(line.LINE_NAME, EXAMPLE.LINE_NAME);
  assert.equal(line.QUEUE_TYPE, 'strictly');
  assert.equal(line.QUEUE_TIME, '45');
  assert.equal(line.NO_ANSWER_TIME, '120');
  assert.equal(line.MAX_CHAT, '4');
  assert.equal(line.CRM_CREATE, 'deal');
  assert.equal(line.WORKTIME_FROM, '09:00');
  assert.deepEqual(line.WORKTIME_DAYOFF, ['SA', 'SU']);
  assert.deepEqual(line.WORKTIME_HOLIDAYS, [''], 'an empty list shows as [""], as explode() gives it');
  assert.equal(line.XML_ID, null);
  assert.equal(line.KPI_FIRST_ANSWER_LIST, null);
  assert.deepEqual(line.DEFAULT_OPERATOR_DATA, []);
  assert.deepEqual(line.DATE_CREATE, {});
  assert.equal(line.MODIFY_USER_ID, '1');
  for (const [k, v] of Object.entries(line)) {
    if (['WORKTIME_HOLIDAYS', 'WORKTIME_DAYOFF', 'DEFAULT_OPERATOR_DATA', 'DATE_CREATE', 'DATE_MODIFY', 'XML_ID',
      'KPI_FIRST_ANSWER_LIST', 'KPI_FURTHER_ANSWER_LIST', 'QUEUE', 'QUEUE_FULL', 'QUEUE_USERS_FIELDS'].includes(k)) continue;
    assert.equal(typeof v, 'string', `${k} is a string`);
  }
  assert.deepEqual(line.QUEUE, [String(opId), String(op2Id)]);
  assert.deepEqual(Object.keys(line.QUEUE_FULL[String(opId)]),
    ['ID', 'SORT', 'USER_ID', 'DEPARTMENT_ID', 'USER_NAME', 'USER_WORK_POSITION', 'USER_AVATAR', 'USER_AVATAR_ID']);
  assert.equal(line.QUEUE_FULL[String(op2Id)].SORT, '1');
  assert.equal(line.QUEUE_FULL[String(op2Id)].USER_ID, String(op2Id));
  assert.equal(line.QUEUE_FULL[String(op2Id)].DEPARTMENT_ID, '0');
  assert.deepEqual(line.QUEUE_USERS_FIELDS[String(opId)],
    { USER_NAME: null, USER_WORK_POSITION: null, USER_AVATAR: null, USER_AVATAR_ID: '0' });
  assert.equal(line.QUEUE_ONLINE, 'N', 'nobody of the queue has been active');
});

test('every field of §2 is stored and echoed, typed as config.get shows it', async () => {
  const given = {
    ACTIVE: 'N', TEMPORARY: 'Y', LANGUAGE_ID: 'de', XML_ID: 'ext-7', CHECK_AVAILABLE: 'Y', MAX_CHAT: '3',
    TYPE_MAX_CHAT: 'answered', SESSION_PRIORITY: 2, NO_ANSWER_RULE: 'text', NO_ANSWER_TEXT: 'nobody',
    NO_ANSWER_FORM_ID: 5, NO_ANSWER_BOT_ID: 6, WELCOME_MESSAGE: 'N', SEND_WELCOME_EACH_SESSION: 'Y',
    USE_WELCOME_FORM: 'Y', WELCOME_FORM_ID: 11, WELCOME_FORM_DELAY: 'Y', IGNORE_WELCOME_FORM_RESPONSIBLE: 'Y',
    WELCOME_BOT_ENABLE: 'Y', WELCOME_BOT_ID: 42, WELCOME_BOT_JOIN: 'first', WELCOME_BOT_TIME: 300,
    WELCOME_BOT_LEFT: 'close', WORKTIME_ENABLE: 'Y', WORKTIME_FROM: '8', WORKTIME_TO: '17.30',
    WORKTIME_TIMEZONE: 'Europe/Paris', WORKTIME_DAYOFF: ['su', 'XX', 'SA'], WORKTIME_HOLIDAYS: '01.01,25.12',
    WORKTIME_DAYOFF_RULE: 'form', WORKTIME_DAYOFF_FORM_ID: 3, WORKTIME_DAYOFF_BOT_ID: 4, WORKTIME_DAYOFF_TEXT: 'off',
    CLOSE_RULE: 'text', CLOSE_FORM_ID: 7, CLOSE_BOT_ID: 8, CLOSE_TEXT: 'bye', AUTO_CLOSE_RULE: 'bot',
    AUTO_CLOSE_FORM_ID: 9, AUTO_CLOSE_BOT_ID: 10, AUTO_CLOSE_TIME: 600, AUTO_CLOSE_TEXT: 'auto', FULL_CLOSE_TIME: 20,
    AUTO_EXPIRE_TIME: 3600, CONFIRM_CLOSE: 'N', VOTE_MESSAGE: 'N', VOTE_TIME_LIMIT: 30, VOTE_CLOSING_DELAY: 'Y',
    VOTE_BEFORE_FINISH: 'N', VOTE_MESSAGE_1_TEXT: 'rate', VOTE_MESSAGE_1_LIKE: 'like', VOTE_MESSAGE_1_DISLIKE: 'dis',
    VOTE_MESSAGE_2_TEXT: 'rate2', VOTE_MESSAGE_2_LIKE: 'like2', VOTE_MESSAGE_2_DISLIKE: 'dis2', OPERATOR_DATA: 'hide',
    DEFAULT_OPERATOR_DATA: { NAME: 'Support', AVATAR: 'https://example.com/a.png', AVATAR_ID: 12 },
    WATCH_TYPING: 'N', CRM: 'Y', CRM_CREATE: 'lead', CRM_CREATE_SECOND: 'deal', CRM_CREATE_THIRD: 'N',
    CRM_CHAT_TRACKER: 'Y', CRM_FORWARD: 'N', CRM_TRANSFER_CHANGE: 'N', CRM_SOURCE: 'web', CATEGORY_ENABLE: 'Y',
    CATEGORY_ID: 13, QUICK_ANSWERS_IBLOCK_ID: 14, AGREEMENT_MESSAGE: 'Y', AGREEMENT_ID: 15,
    KPI_FIRST_ANSWER_TIME: 60, KPI_FIRST_ANSWER_ALERT: 'Y', KPI_FIRST_ANSWER_LIST: [1, 2], KPI_FIRST_ANSWER_TEXT: 'k1',
    KPI_FURTHER_ANSWER_TIME: 120, KPI_FURTHER_ANSWER_ALERT: 'Y', KPI_FURTHER_ANSWER_LIST: ['3'],
    KPI_FURTHER_ANSWER_TEXT: 'k2', KPI_CHECK_OPERATOR_ACTIVITY: 'Y', SEND_NOTIFICATION_EMPTY_QUEUE: 'Y',
  };
  const id = await add({ LINE_NAME: 'All fields', ...given });
  const line = await get(id);
  const expected = {
    ...Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])),
    WORKTIME_DAYOFF: ['SU', 'SA'],  // upper-cased, unknown days dropped
    WORKTIME_HOLIDAYS: ['01.01', '25.12'],
    DEFAULT_OPERATOR_DATA: { NAME: 'Support', AVATAR: 'https://example.com/a.png', AVATAR_ID: '12' },
    KPI_FIRST_ANSWER_LIST: ['1', '2'],
    KPI_FURTHER_ANSWER_LIST: ['3'],
  };
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(line[k], v, k);

  // A choice outside its list keeps the value the line had; keys are case-insensitive.
  await server.ok('imopenlines.config.update', { CONFIG_ID: id,
    PARAMS: { queue_type: 'all', OPERATOR_DATA: 'nobody', LINE_NAME: 'Renamed', ACTIVE: 'Y' } });
  const after = await get(id);
  assert.equal(after.QUEUE_TYPE, 'all');
  assert.equal(after.OPERATOR_DATA, 'hide');
  assert.equal(after.LINE_NAME, 'Renamed');
  assert.equal(after.ACTIVE, 'Y');
  assert.equal(after.CLOSE_TEXT, 'bye', 'fields not named stay');
});

test('a line added without PARAMS has the initial values', async () => {
  const line = await get(await add(undefined));
  assert.equal(line.ACTIVE, 'Y');
  assert.equal(line.QUEUE_TYPE, 'evenly');
  assert.equal(line.WELCOME_BOT_ENABLE, 'N');
  assert.equal(line.WELCOME_BOT_JOIN, 'always');
  assert.equal(line.WELCOME_BOT_LEFT, 'queue');
  assert.equal(line.TYPE_MAX_CHAT, 'answered_new');
  assert.equal(line.OPERATOR_DATA, 'profile');
  assert.deepEqual(line.WORKTIME_DAYOFF, ['SA', 'SU']);
  assert.deepEqual(line.QUEUE, []);
  assert.deepEqual(line.QUEUE_FULL, {});
});

test('the queue: departments expand to their users; WITH_QUEUE=N and SHOW_OFFLINE=N', async () => {
  const id = await add({ QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }, { ENTITY_TYPE: 'department', ENTITY_ID: 1 },
    { ENTITY_TYPE: 'nonsense', ENTITY_ID: 3 }, String(plainId)] });
  const line = await get(id);
  // Olga first, then department 1's users (the administrator and everyone added to it), each once.
  assert.equal(line.QUEUE[0], String(opId));
  assert.ok(line.QUEUE.includes('1') && line.QUEUE.includes(String(op2Id)));
  assert.equal(new Set(line.QUEUE).size, line.QUEUE.length);
  assert.equal(line.QUEUE_FULL['1'].DEPARTMENT_ID, '1');
  const list = (await server.ok('imopenlines.config.list.get', { PARAMS: { filter: { ID: id } },
    OPTIONS: { CONFIG_QUEUE: 'Y' } })).result;
  assert.deepEqual(list[0].CONFIG_QUEUE, [{ ENTITY_ID: String(opId), ENTITY_TYPE: 'user' },
    { ENTITY_ID: '1', ENTITY_TYPE: 'department' }, { ENTITY_ID: String(plainId), ENTITY_TYPE: 'user' }]);
  const bare = await get(id, { WITH_QUEUE: 'N' });
  assert.ok(!('QUEUE' in bare) && !('QUEUE_FULL' in bare) && !('QUEUE_ONLINE' in bare));
  // The administrator is active (this test's calls); the others have never been.
  const online = await get(id, { SHOW_OFFLINE: 'N' });
  assert.deepEqual(online.QUEUE, ['1']);
  assert.equal(online.QUEUE_ONLINE, 'Y');
});

test('config.get, update and delete: CONFIG_ID_EMPTY, false for an unknown line', async () => {
  await server.fails('imopenlines.config.get', {}, 400, 'CONFIG_ID_EMPTY', "Config ID can't be empty");
  await server.fails('imopenlines.config.get', { CONFIG_ID: 'abc' }, 400, 'CONFIG_ID_EMPTY');
  await server.fails('imopenlines.config.update', { PARAMS: {} }, 400, 'CONFIG_ID_EMPTY');
  await server.fails('imopenlines.config.delete', { CONFIG_ID: 0 }, 400, 'CONFIG_ID_EMPTY');
  assert.equal((await server.ok('imopenlines.config.get', { CONFIG_ID: 99999 })).result, false);
  assert.equal((await server.ok('imopenlines.config.update', { CONFIG_ID: 99999, PARAMS: {} })).result, false);
  assert.equal((await server.ok('imopenlines.config.delete', { CONFIG_ID: 99999 })).result, false);
  const id = await add({ LINE_NAME: 'Short-lived' });
  assert.equal((await server.ok('imopenlines.config.delete', { CONFIG_ID: id })).result, true);
  assert.equal((await server.ok('imopenlines.config.get', { CONFIG_ID: id })).result, false);
});

test('only administrators change lines (CONFIG_WRONG_USER_PERMISSION); anyone reads them; the scope is imopenlines', async () => {
  const id = await add({ LINE_NAME: 'Guarded' });
  const opts = { webhook: plain };
  await server.fails('imopenlines.config.add', { PARAMS: {} }, 403, 'CONFIG_WRONG_USER_PERMISSION', 'Permission denied',
    opts);
  await server.fails('imopenlines.config.update', { CONFIG_ID: id, PARAMS: { LINE_NAME: 'x' } }, 403,
    'CONFIG_WRONG_USER_PERMISSION', 'Permission denied', opts);
  await server.fails('imopenlines.config.delete', { CONFIG_ID: id }, 403, 'CONFIG_WRONG_USER_PERMISSION', undefined,
    opts);
  assert.equal((await server.ok('imopenlines.config.get', { CONFIG_ID: id }, opts)).result.LINE_NAME, 'Guarded');
  await server.fails('imopenlines.config.get', { CONFIG_ID: id }, 403, 'insufficient_scope', undefined,
    { webhook: noScope });
  const modifiable = (await server.ok('imopenlines.config.list.get', { OPTIONS: { CHECK_PERMISSION: 'modify' } },
    opts)).result;
  assert.deepEqual(modifiable, []);
});

test('config.list.get: select (with aliases), order, filter, limit, offset, OPTIONS.QUEUE', async () => {
  const a = await add({ LINE_NAME: 'List A', QUEUE_TIME: 10, QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }] });
  const b = await add({ LINE_NAME: 'List B', QUEUE_TIME: 20 });
  const c = await add({ LINE_NAME: 'List C', QUEUE_TIME: 30, ACTIVE: 'N' });
  const list = async (params, options) =>
    (await server.ok('imopenlines.config.list.get', { PARAMS: params, OPTIONS: options })).result;
  const got = await list({ select: ['ID', 'LINE_NAME', 'ACTIVE'], filter: { '>=ID': a }, order: { ID: 'DESC' } });
  assert.deepEqual(got, [{ ID: String(c), LINE_NAME: 'List C', ACTIVE: 'N' },
    { ID: String(b), LINE_NAME: 'List B', ACTIVE: 'Y' }, { ID: String(a), LINE_NAME: 'List A', ACTIVE: 'Y' }]);
  assert.deepEqual(await list({ select: ['ID'], filter: { ACTIVE: 'Y', '>ID': a - 1 }, limit: 1, offset: 1 }),
    [{ ID: String(b) }]);
  assert.deepEqual(await list({ select: { NAME: 'LINE_NAME' }, filter: { ID: [a, c] } }),
    [{ NAME: 'List A' }, { NAME: 'List C' }]);
  assert.deepEqual(await list({ select: ['ID'], filter: { '!ACTIVE': 'Y', '>=ID': a } }), [{ ID: String(c) }]);
  const withQueue = await list({ select: ['ID', 'LINE_NAME'], filter: { ID: a } }, { QUEUE: 'Y' });
  assert.deepEqual(withQueue[0].QUEUE, [opId]);
  assert.deepEqual(withQueue[0].QUEUE_USERS_FIELDS[String(opId)],
    { USER_NAME: null, USER_WORK_POSITION: null, USER_AVATAR: null, USER_AVATAR_ID: 0 });
  // Without select: every field of the line.
  const all = await list({ filter: { ID: b } });
  assert.equal(all[0].ID, String(b));
  assert.equal(all[0].QUEUE_TIME, '20');
  assert.ok('IGNORE_WELCOME_FORM_RESPONSIBLE' in all[0]);
  // limit is at most 200, 50 by default.
  for (let i = 0; i < 52; i += 1) await add({ LINE_NAME: `Many ${i}` });
  assert.equal((await list({ select: ['ID'] })).length, 50);
  assert.ok((await list({ select: ['ID'], limit: 500 })).length > 50);
});

test('config.list.get: the INVALID_FORMAT errors of the reference', async () => {
  const bad = async (params, options, description) => {
    const body = await server.fails('imopenlines.config.list.get', { PARAMS: params, OPTIONS: options }, 400,
      'INVALID_FORMAT');
    assert.equal(body.error_description, description);
  };
  await bad({ select: ['ID'], foo: 1 }, undefined, 'Unsupported PARAMS fields are passed: foo');
  await bad({ select: 'ID' }, undefined, "A wrong format for the PARAMS field 'select' is passed");
  await bad({ order: 'ID' }, undefined, "A wrong format for the PARAMS field 'order' is passed");
  await bad({ filter: 'ID' }, undefined, "A wrong format for the PARAMS field 'filter' is passed");
  await bad({ limit: -1 }, undefined, "A non-negative integer is expected in the PARAMS field 'limit'");
  await bad({ offset: 'x' }, undefined, "A non-negative integer is expected in the PARAMS field 'offset'");
  await bad({ select: [''] }, undefined, "A wrong field name is passed in the PARAMS field 'select'");
  await bad({ select: ['NOPE'] }, undefined, "An unknown field 'NOPE' is passed in the PARAMS field 'select'");
  await bad({ select: ['QUEUE'] }, undefined, "An unknown field 'QUEUE' is passed in the PARAMS field 'select'");
  await bad({ order: { NOPE: 'ASC' } }, undefined, "An unknown field 'NOPE' is passed in the PARAMS field 'order'");
  await bad({ order: { ID: 'UP' } }, undefined, "A wrong sorting direction is passed in the PARAMS field 'order'");
  await bad({ filter: { NOPE: 1 } }, undefined, "An unknown field 'NOPE' is passed in the PARAMS field 'filter'");
  await bad({ filter: { '': 1 } }, undefined, "A wrong field name is passed in the PARAMS field 'filter'");
  await bad({ select: { '1x': 'ID' } }, undefined, "A wrong field alias is passed in the PARAMS field 'select'");
  await bad({ select: { LINE_NAME: 'ID' } }, undefined,
    "The alias 'LINE_NAME' matches an existing field in the PARAMS field 'select'");
  await bad({}, { FOO: 'Y' }, 'Unsupported OPTIONS fields are passed: FOO');
  await bad({}, { QUEUE: ['Y'] }, "A wrong format for the OPTIONS field 'QUEUE' is passed");
  await bad({}, { CONFIG_QUEUE: { a: 1 } }, "A wrong format for the OPTIONS field 'CONFIG_QUEUE' is passed");
  await bad({}, { CHECK_PERMISSION: 'fly' }, "An unknown value for the OPTIONS field 'CHECK_PERMISSION' is passed");
});

test('config.path.get and revision.get', async () => {
  const path = (await server.ok('imopenlines.config.path.get')).result;
  assert.deepEqual(Object.keys(path), ['SERVER_ADDRESS', 'PUBLIC_PATH']);
  assert.equal(path.PUBLIC_PATH, '/contact_center/');
  assert.match(path.SERVER_ADDRESS, /^https?:\/\//);
  assert.deepEqual((await server.ok('imopenlines.revision.get')).result, { rest: 2, web: 1, mobile: 1 });
});

test('methods not built yet answer ERROR_METHOD_NOT_FOUND', async () => {
  for (const m of ['imopenlines.crm.chat.get', 'imopenlines.crm.lead.create'])
    await server.fails(m, {}, 404, 'ERROR_METHOD_NOT_FOUND');
  // The live chat's methods exist, for live-chat auth only (openlines_widget.test.mjs).
  await server.fails('imopenlines.widget.config.get', {}, 403, 'WRONG_AUTH_TYPE');
});
