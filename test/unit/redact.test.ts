import { describe, expect, it } from 'vitest';
import { looksSecretName, maskArgs, maskCommand, REDACTED, Redactor } from '../../src/main/host/activity/redact.js';

describe('Redactor', () => {
  it('redacts values under secret-looking keys, at any depth', () => {
    const r = new Redactor();
    const out = r.value({
      app: 'web',
      token: 'abc',
      nested: { apiKey: 'k', Authorization: 'Bearer x', list: [{ password: 'p' }] },
      client_secret: 'cs',
      refresh_token: 'rt',
    });
    expect(out).toEqual({
      app: 'web',
      token: REDACTED,
      nested: { apiKey: REDACTED, Authorization: REDACTED, list: [{ password: REDACTED }] },
      client_secret: REDACTED,
      refresh_token: REDACTED,
    });
  });

  it('keeps the keys of a secret map so the record says which were set', () => {
    const r = new Redactor();
    expect(r.args({ app: 'web', secrets: { A: '1', B: '2' } }, ['secrets'])).toEqual({ app: 'web', secrets: { A: REDACTED, B: REDACTED } });
    expect(r.args({ keys: ['A', 'B'] }, ['keys'])).toEqual({ keys: [REDACTED, REDACTED] });
  });

  it('leaves booleans and nulls under secret-ish keys readable', () => {
    const r = new Redactor();
    expect(r.value({ has_token: true, token: null })).toEqual({ has_token: true, token: null });
  });

  it('scrubs known secrets from free text, longest first, with regex characters escaped', () => {
    const r = new Redactor();
    r.addSecret('abc.def+ghi');
    r.addSecret('abc.def+ghi-and-more');
    expect(r.text('x abc.def+ghi-and-more y abc.def+ghi z abcXdef+ghi')).toBe(`x ${REDACTED} y ${REDACTED} z abcXdef+ghi`);
    expect(r.value({ note: 'contains abc.def+ghi' })).toEqual({ note: `contains ${REDACTED}` });
  });

  it('ignores secrets too short to scrub safely', () => {
    const r = new Redactor();
    r.addSecret('abc');
    expect(r.text('abc')).toBe('abc');
  });
});

describe('Redactor memory', () => {
  it('keeps keychain secrets for good but only the newest argument secrets', async () => {
    const { TRANSIENT_SECRETS } = await import('../../src/main/host/activity/redact.js');
    const r = new Redactor();
    r.addSecret('keychain-value-1');
    for (let i = 0; i < TRANSIENT_SECRETS + 10; i++) r.addSecret(`argument-secret-${i}`, { transient: true });
    expect(r.text('keychain-value-1')).toBe(REDACTED);
    expect(r.text(`argument-secret-${TRANSIENT_SECRETS + 9}`)).toBe(REDACTED);
    // The oldest argument secrets were forgotten: the set does not grow with every call.
    expect(r.text('argument-secret-0 ')).toBe('argument-secret-0 ');
  });

  it('a transient value seen again counts as new, and a keychain value is never forgotten', () => {
    const r = new Redactor();
    r.addSecret('shared-value-xyz', { transient: true });
    r.addSecret('shared-value-xyz');
    for (let i = 0; i < 300; i++) r.addSecret(`filler-secret-${i}`, { transient: true });
    expect(r.text('shared-value-xyz')).toBe(REDACTED);
  });
});

describe('redaction by meaning', () => {
  const r = () => new Redactor();

  it.each([
    'API_KEY', 'stripe_key', 'apiKey', 'GITHUB_TOKEN', 'refresh_token', 'CLIENT_SECRET', 'DB_PASSWORD', 'password', 'PASSWD', 'SMTP_PASS', 'pass',
    'PGPWD', 'AWS_CREDENTIALS', 'PRIVATE_KEY_PEM', 'AUTH', 'BASIC_AUTH_USER', 'Authorization', 'DSN', 'SENTRY_DSN', 'sentryDsn', 'session_cookie',
  ])('a value named %s is masked and the name stays', (name) => {
    expect(looksSecretName(name)).toBe(true);
    expect(r().text(`${name}=v4lue-x`)).toBe(`${name}=${REDACTED}`);
    expect(r().value({ [name]: 'v4lue-x' })).toEqual({ [name]: REDACTED });
    expect(r().args({ pairs: [`${name}=v4lue-x`] })).toEqual({ pairs: [`${name}=${REDACTED}`] });
  });

  it.each(['PORT', 'LOG_LEVEL', 'REGION', 'DATABASE_URL', 'NODE_ENV', 'PASSPORT_NUMBER', 'DSN_HOST', 'key', 'keys', 'PATH', 'HOME'])('a value named %s stays visible', (name) => {
    expect(looksSecretName(name)).toBe(false);
    expect(r().text(`${name}=some-value`)).toBe(`${name}=some-value`);
    expect(r().value({ [name]: 'some-value' })).toEqual({ [name]: 'some-value' });
  });

  it('a list of records under a secret-looking name describes secrets: each record keeps its own rules', () => {
    expect(r().value({ secrets: [{ name: 'DATABASE_URL', digest: '3f2a9c' }], tokens: [{ id: 't1', token: 'x' }], api_keys: ['k1'], credentials: { user: 'u', password: 'p' } })).toEqual({
      secrets: [{ name: 'DATABASE_URL', digest: '3f2a9c' }],
      tokens: [{ id: 't1', token: REDACTED }],
      api_keys: [REDACTED],
      credentials: { user: REDACTED, password: REDACTED },
    });
    // Declared secret: everything in it.
    expect(r().args({ keys: [{ id: 'a', value: 'b' }] }, ['keys'])).toEqual({ keys: [{ id: REDACTED, value: REDACTED }] });
  });

  it('masks secret-looking NAME=VALUE inside free text, quoted or not, and nothing else', () => {
    expect(r().text('PORT=8080 LOG_LEVEL=debug REGION=iad API_KEY=abc123 export DB_PASSWORD="two words" TOKEN=\'x y\'')).toBe(
      `PORT=8080 LOG_LEVEL=debug REGION=iad API_KEY=${REDACTED} export DB_PASSWORD="${REDACTED}" TOKEN='${REDACTED}'`,
    );
    expect(r().text('https://api.example.com/v1?page=2&access_token=abc123&q=x')).toBe(`https://api.example.com/v1?page=2&access_token=${REDACTED}&q=x`);
    expect(r().text('--password=hunter22 --name=web')).toBe(`--password=${REDACTED} --name=web`);
    // An app log line is JSON: a secret-looking key's string value and a NAME=VALUE inside a string.
    expect(r().text('{"msg":"run","password":"p4ss","key":"label","argv":["--env","SECRET_KEY=abc","--env","PORT=80"]}')).toBe(
      `{"msg":"run","password":"${REDACTED}","key":"label","argv":["--env","SECRET_KEY=${REDACTED}","--env","PORT=80"]}`,
    );
  });

  it('masks the password of a URL anywhere, and a token used as its user; other URLs stay as they are', () => {
    const text = (s: string) => r().text(s);
    expect(text('DATABASE_URL=postgres://user:hunter2@db.internal:5432/app')).toBe(`DATABASE_URL=postgres://user:${REDACTED}@db.internal:5432/app`);
    expect(text('connect to mysql://root:p@ss:w0rd@db/x now')).toBe(`connect to mysql://root:${REDACTED}@db/x now`);
    expect(text('git clone https://ghp_abcdefghij0123456789@github.com/o/r')).toBe(`git clone https://${REDACTED}@github.com/o/r`);
    expect(text('REDIS_URL=redis://:s3cret@cache:6379')).toBe(`REDIS_URL=redis://:${REDACTED}@cache:6379`);
    for (const plain of ['ssh://git@github.com/o/r', 'https://example.com/a@b', 'https://user@example.com/', 'postgres://db.internal/app', 'mailto:a@b.example', 'see https://example.com/?email=a@b.c']) {
      expect(text(plain)).toBe(plain);
    }
    expect(r().args({ image: 'registry.example.com/app', note: 'uses postgres://u:pw123456@h/db', list: [{ url: 'https://u:pw654321@h' }] })).toEqual({
      image: 'registry.example.com/app',
      note: `uses postgres://u:${REDACTED}@h/db`,
      list: [{ url: `https://u:${REDACTED}@h` }],
    });
  });

  it('env entries: every value masked whatever its name, names kept; list or map', () => {
    const spec = { redactArgs: { env: 'env' } } as const;
    expect(r().toolArgs({ app: 'web', env: ['DATABASE_URL=postgres://user:hunter2@db/x', 'API_KEY=abc', 'PORT=8080', 'LOG_LEVEL=debug', 'EMPTY=', 'BROKEN'] }, spec)).toEqual({
      app: 'web',
      env: [`DATABASE_URL=${REDACTED}`, `API_KEY=${REDACTED}`, `PORT=${REDACTED}`, `LOG_LEVEL=${REDACTED}`, 'EMPTY=', REDACTED],
    });
    expect(r().toolArgs({ env: { PORT: '8080', API_KEY: 'abc' } }, spec)).toEqual({ env: { PORT: REDACTED, API_KEY: REDACTED } });
    // Only where the tool says so: elsewhere PORT=8080 is just text.
    expect(r().toolArgs({ metadata: ['PORT=8080', 'API_KEY=abc'] })).toEqual({ metadata: ['PORT=8080', `API_KEY=${REDACTED}`] });
  });

  it('secrets to set: names visible, values masked', () => {
    expect(r().toolArgs({ app: 'web', keyvalues: ['STRIPE_KEY=sk_live_1', 'GREETING=hello'] }, { redactArgs: { keyvalues: 'secret-values' } })).toEqual({
      app: 'web',
      keyvalues: [`STRIPE_KEY=${REDACTED}`, `GREETING=${REDACTED}`],
    });
  });

  it.each([
    ['mysql -u root -phunter22 -h db', `mysql -u root -p${REDACTED} -h db`],
    ['mysql -u root -p hunter22 db', `mysql -u root -p ${REDACTED} db`],
    ['mysql --password hunter22 db', `mysql --password ${REDACTED} db`],
    ['psql --password=hunter22 -h db', `psql --password=${REDACTED} -h db`],
    ['PGPASSWORD=hunter22 psql -h db -U app', `PGPASSWORD=${REDACTED} psql -h db -U app`],
    ['sh -c "MYSQL_PWD=hunter22 mysql -e \'select 1\'"', `sh -c "MYSQL_PWD=${REDACTED} mysql -e 'select 1'"`],
    ['app --token abc123 --secret "two words" --api-key=k3y', `app --token ${REDACTED} --secret "${REDACTED}" --api-key=${REDACTED}`],
    ['curl -u admin:hunter22 https://x', `curl -u admin:${REDACTED} https://x`],
    ["curl -H 'Authorization: Bearer abc.def' https://x", `curl -H 'Authorization: Bearer ${REDACTED}' https://x`],
    ['redis-cli -u redis://:hunter22@cache:6379 ping', `redis-cli -u redis://:${REDACTED}@cache:6379 ping`],
    // The quoted value of another flag is looked into.
    [`sh -c "psql -h db -c 'select 1' && curl --token abc123 https://x"`, `sh -c "psql -h db -c 'select 1' && curl --token ${REDACTED} https://x"`],
  ])('exec command %s', (command, masked) => {
    const redactor = r();
    expect(redactor.toolArgs({ id: 'm1', command }, { redactArgs: { command: 'command' } })).toEqual({ id: 'm1', command: masked });
  });

  it.each(['ls -la /data', 'mkdir -p /data/backups && cp -pv a b', 'cat /etc/hosts | grep db', 'systemctl status flightctl-agent --no-pager', 'docker login --password-stdin -u me'])(
    'exec command %s stays as it is',
    (command) => {
      expect(r().toolArgs({ command }, { redactArgs: { command: 'command' } })).toEqual({ command });
    },
  );

  it('learns masked values, so an echo in an answer, an error or a log line is scrubbed too', () => {
    const redactor = r();
    redactor.toolArgs(
      {
        env: ['DATABASE_URL=postgres://user:hunter2@db/x', 'FEATURE=tok1234567890abcdef', 'APP_ENV=production'],
        command: 'mysql -pmysql-pw-42',
        keyvalues: ['SHORTISH=sixsix'],
        api_key: 'key-by-name-9',
        note: 'https://u:url-pw-77@h',
      },
      { redactArgs: { env: 'env', command: 'command', keyvalues: 'secret-values' } },
    );
    const echo = 'failed: hunter2 / postgres://user:hunter2@db/x / tok1234567890abcdef / mysql-pw-42 / sixsix / key-by-name-9 / url-pw-77';
    expect(redactor.text(echo)).not.toMatch(/hunter2|tok1234567890abcdef|mysql-pw-42|sixsix|key-by-name-9|url-pw-77/);
    // An env value that reads like a word is masked in the record but not hunted in every later text.
    expect(redactor.text('deployed to web-production')).toBe('deployed to web-production');
  });

  it('keeps earlier known secrets out of later arguments', () => {
    const redactor = r();
    redactor.addSecret('keychain-token-123');
    expect(redactor.toolArgs({ note: 'uses keychain-token-123' })).toEqual({ note: `uses ${REDACTED}` });
  });

  it('maskArgs is the same masking without a Redactor (the message a client shows to approve a call)', () => {
    const found = new Set<string>();
    expect(maskArgs({ env: ['A=1'], url: 'https://u:pw@h', token: 'x' }, { redactArgs: { env: 'env' } }, found)).toEqual({ env: [`A=${REDACTED}`], url: `https://u:${REDACTED}@h`, token: REDACTED });
    expect([...found].sort()).toEqual(['pw', 'x']);
  });

  it('masking twice changes nothing more', () => {
    const redactor = r();
    const once = redactor.text('API_KEY=abc postgres://u:pw@h --password=x');
    expect(redactor.text(once)).toBe(once);
    const args = redactor.toolArgs({ command: 'mysql -phunter22 --token abc', env: ['A=1'] }, { redactArgs: { command: 'command', env: 'env' } });
    expect(redactor.toolArgs(args, { redactArgs: { command: 'command', env: 'env' } })).toEqual(args);
  });

  it('stays fast on long hostile text (1 MiB)', () => {
    const redactor = r();
    redactor.addSecret('keychain-secret-1');
    const started = performance.now();
    for (const text of ['a.'.repeat(1 << 19) + '://', ('a'.repeat(120) + '=').repeat(8000), '{"'.repeat(300_000) + '":', ('x://' + 'u'.repeat(50) + ':' + 'p@'.repeat(100)).repeat(3000)]) redactor.text(text);
    for (const text of [' --' + 'key'.repeat(20_000), ' -p'.repeat(60_000), ' -u ' + 'a'.repeat(60_000)]) maskCommand(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
