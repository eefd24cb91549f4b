// Creates the peer's chats in a running ejabberd through mod_http_api: ROOMS persistent,
// members-only rooms with their archive on (mam), each with MEMBERS affiliated users — the sender
// as the owner and users m1..m(MEMBERS-1) as members, like imhub's 50-member group chats.
// Usage: node bench/ejabberd_rooms.mjs API_URL ROOMS MEMBERS SERVICE HOST SENDER
const [api, roomsArg, membersArg, service, host, sender] = process.argv.slice(2);
const rooms = Number(roomsArg);
const members = Number(membersArg);
const CONCURRENCY = 16;

async function call(command, args) {
  const res = await fetch(`${api}/${command}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const text = await res.text();
  // Commands of this kind answer 0 on success; anything else is a failed set-up.
  if (res.status !== 200 || text.trim() !== '0') throw new Error(`${command} ${JSON.stringify(args)}: ${res.status} ${text}`);
}

async function pool(jobs) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const roomOptions = ['persistent', 'members_only', 'mam'].map((name) => ({ name, value: 'true' }));
await pool(Array.from({ length: rooms }, (_, i) => () =>
  call('create_room_with_opts', { name: `room${i + 1}`, service, host, options: roomOptions })));
const affiliations = [];
for (let r = 1; r <= rooms; r++) {
  affiliations.push(() => call('set_room_affiliation', { name: `room${r}`, service, jid: sender, affiliation: 'owner' }));
  for (let m = 1; m < members; m++)
    affiliations.push(() =>
      call('set_room_affiliation', { name: `room${r}`, service, jid: `m${m}@${host}`, affiliation: 'member' }));
}
await pool(affiliations);
console.log(`${rooms} rooms of ${members} members`);
