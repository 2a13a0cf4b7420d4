import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAccount {
  readonly id: string;
  readonly name: string;
  readonly state?: string;
}

/** An organization as a tree: every parent (root or unit) with its accounts and child units. */
export interface FakeOrganizationTree {
  readonly managementAccountId: string;
  readonly parents: Readonly<Record<string, { readonly accounts: readonly FakeAccount[]; readonly units: readonly string[] }>>;
}

export interface OrganizationsRequest {
  readonly operation: string;
  readonly parentId?: string;
  readonly nextToken?: string;
  /** Whether the request was signed (an Authorization header with AWS's signature scheme). */
  readonly signed: boolean;
}

export interface FakeOrganizations {
  readonly endpoint: string;
  readonly requests: OrganizationsRequest[];
  /** Answer every request with this error instead (undefined: answer normally). */
  failWith(error?: { readonly type: string; readonly message: string }): void;
  stop(): Promise<void>;
}

/** Items per page: small, so that every listing of more than two items takes several pages. */
export const PAGE_SIZE = 2;

/**
 * A hand-written fake of AWS Organizations, for want of a real one (tests reach no network): a
 * loopback HTTP server that speaks just enough of the Organizations JSON 1.1 API for
 * DescribeOrganization, ListAccountsForParent and ListOrganizationalUnitsForParent, pages its lists
 * two items at a time with NextToken, answers an unknown parent with ParentNotFoundException, and
 * records what it was sent. It checks no signature.
 */
export async function startFakeOrganizations(tree: FakeOrganizationTree): Promise<FakeOrganizations> {
  const requests: OrganizationsRequest[] = [];
  let failure: { type: string; message: string } | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSOrganizationsV20161128\./, '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      requests.push({
        operation,
        parentId: body.ParentId,
        nextToken: body.NextToken,
        signed: /^AWS4-HMAC-SHA256 /.test(String(req.headers.authorization ?? '')),
      });
      const answer = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
      const error = (type: string, message: string) => answer(400, { __type: type, Message: message });
      if (failure) return error(failure.type, failure.message);
      if (operation === 'DescribeOrganization') {
        return answer(200, {
          Organization: { Id: 'o-fake12345', MasterAccountId: tree.managementAccountId, FeatureSet: 'ALL' },
        });
      }
      const parent = tree.parents[body.ParentId];
      if (!parent) return error('ParentNotFoundException', `You specified a root or OU that doesn't exist: ${body.ParentId}`);
      const page = <T>(items: readonly T[]) => {
        const start = Number(body.NextToken ?? 0);
        const next = start + PAGE_SIZE < items.length ? String(start + PAGE_SIZE) : undefined;
        return { items: items.slice(start, start + PAGE_SIZE), ...(next ? { NextToken: next } : {}) };
      };
      if (operation === 'ListAccountsForParent') {
        const { items, ...rest } = page(parent.accounts);
        return answer(200, {
          Accounts: items.map((account) => ({
            Id: account.id,
            Name: account.name,
            Arn: `arn:aws:organizations::${tree.managementAccountId}:account/o-fake12345/${account.id}`,
            Email: `${account.id}@example.com`,
            State: account.state ?? 'ACTIVE',
          })),
          ...rest,
        });
      }
      if (operation === 'ListOrganizationalUnitsForParent') {
        const { items, ...rest } = page(parent.units);
        return answer(200, { OrganizationalUnits: items.map((id) => ({ Id: id, Name: id })), ...rest });
      }
      return error('InvalidInputException', `the fake does not answer ${operation}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failWith: (next) => {
      failure = next;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
