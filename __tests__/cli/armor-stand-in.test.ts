import { ARMOR_API_KEY, ARMOR_APP_ID, startArmorStandIn } from './helpers/armor-stand-in';

// The stand-in of the Armor API checks its own answers against Fortanix's OpenAPI document: an answer
// the document does not allow never reaches the tool.

const basic = `Basic ${Buffer.from(`${encodeURIComponent(ARMOR_APP_ID)}:${new URLSearchParams([['', ARMOR_API_KEY]]).toString().slice(1)}`).toString('base64')}`;

async function tokenFrom(url: string): Promise<string> {
  const answer = await fetch(`${url}/api/v1/iam/session/oauth2/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

describe('the Armor stand-in', () => {
  it('replaces an answer the OpenAPI document does not allow with a 599 and records why', async () => {
    // GIVEN a connection without the name and scan_filter the document requires
    const standIn = await startArmorStandIn({
      connections: [{ connection_id: '00000000-0000-4000-8000-000000000001', acct_id: '00000000-0000-4000-8000-000000000002', group_id: '00000000-0000-4000-8000-000000000003', created_at: '20261130T000000Z', connection_config: { $type: 'aws', role_arn: null, aws_scope: { $type: 'organization' }, creds: { $type: 'open_id_connect', auth_config_id: '00000000-0000-4000-8000-000000000004' } } }],
      scans: [],
      scannedAccounts: {},
    });
    try {
      // WHEN the connections are asked for
      const answer = await fetch(`${standIn.url}/api/v1/discovery/connections?limit=10&offset=0`, { headers: { authorization: `Bearer ${await tokenFrom(standIn.url)}` } });

      // THEN the stand-in refuses to send it
      expect(answer.status).toBe(599);
      expect(standIn.violations).toHaveLength(1);
      expect(standIn.violations[0]).toMatch(/^GET \/api\/v1\/discovery\/connections 200: .*"missingProperty":"name"/);
    } finally {
      await standIn.stop();
    }
  });

  it('accepts its own token answer, and refuses a scan whose created_at is not in the document\'s time format', async () => {
    const standIn = await startArmorStandIn({
      connections: [],
      scans: [{ scan_id: '00000000-0000-4000-8000-000000000011', connection_id: '00000000-0000-4000-8000-000000000001', acct_id: '00000000-0000-4000-8000-000000000002', group_id: '00000000-0000-4000-8000-000000000003', created_at: '2026-11-30T00:00:00Z', last_updated_at: '20261130T000000Z', scan_status: 'completed' }],
      scannedAccounts: {},
    });
    try {
      const token = await tokenFrom(standIn.url);
      const answer = await fetch(`${standIn.url}/api/v1/discovery/scans?limit=10`, { headers: { authorization: `Bearer ${token}` } });

      expect(token).toMatch(/^armor-access-token-/);
      // An ISO 8601 created_at is not the document's 20170509T070912Z pattern.
      expect(answer.status).toBe(599);
      expect(standIn.violations[0]).toMatch(/^GET \/api\/v1\/discovery\/scans 200: .*"instancePath":"\/items\/0\/created_at"/);
    } finally {
      await standIn.stop();
    }
  });
});
