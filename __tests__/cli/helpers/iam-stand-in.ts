import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IamStandInContents {
  /** OIDC providers: ARN and URL (without https://, as IAM stores it). */
  readonly oidcProviders: ReadonlyArray<{ readonly arn: string; readonly url: string; readonly clientIds?: readonly string[] }>;
  readonly roles: ReadonlyArray<{
    readonly name: string;
    readonly arn: string;
    readonly assumeRolePolicy?: string;
    readonly description?: string;
    /** ARNs of the managed policies attached to the role. */
    readonly attachedPolicyArns?: readonly string[];
  }>;
  readonly policies: ReadonlyArray<{ readonly name: string; readonly arn: string; readonly path?: string; readonly document?: string; readonly description?: string }>;
}

export interface IamStandIn {
  /** For AWS_ENDPOINT_URL_IAM. */
  readonly endpoint: string;
  /** The Query API actions received, in order. */
  readonly actions: string[];
  stop(): Promise<void>;
}

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const CREATED = '2025-03-01T10:00:00Z';

/**
 * A HAND-WRITTEN STAND-IN for AWS IAM, for want of a real one (tests reach no network): a loopback HTTP
 * server speaking the IAM Query API's XML for the read actions `discover` calls (ListOpenIDConnectProviders,
 * GetOpenIDConnectProvider, GetRole, ListPolicies, with NoSuchEntity for an unknown name) and those the
 * hashicorp/aws provider makes to import and refresh an OIDC provider, a role, a policy and an attachment
 * (ListRolePolicies, ListAttachedRolePolicies, GetPolicy, GetPolicyVersion), shaped after IAM's API
 * reference so that @aws-sdk/client-iam and the provider parse its answers. It never changes anything.
 */
export async function startIamStandIn(contents: IamStandInContents): Promise<IamStandIn> {
  const actions: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = form.get('Action') ?? '';
      actions.push(action);
      const answer = respond(action, form, contents);
      res.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function respond(action: string, form: URLSearchParams, contents: IamStandInContents): { status: number; body: string } {
  switch (action) {
    case 'ListOpenIDConnectProviders':
      return ok(action, `<OpenIDConnectProviderList>${contents.oidcProviders.map((provider) => `<member><Arn>${xml(provider.arn)}</Arn></member>`).join('')}</OpenIDConnectProviderList>`);
    case 'GetOpenIDConnectProvider': {
      const provider = contents.oidcProviders.find((candidate) => candidate.arn === form.get('OpenIDConnectProviderArn'));
      if (!provider) return noSuchEntity(`OpenIDConnect Provider not found for arn ${form.get('OpenIDConnectProviderArn')}`);
      const clientIds = (provider.clientIds ?? ['api://key-insight']).map((id) => `<member>${xml(id)}</member>`).join('');
      return ok(action, `<Url>${xml(provider.url)}</Url><ClientIDList>${clientIds}</ClientIDList><ThumbprintList/><CreateDate>${CREATED}</CreateDate>`);
    }
    case 'GetRole': {
      const role = contents.roles.find((candidate) => candidate.name === form.get('RoleName'));
      if (!role) return noSuchEntity(`The role with name ${form.get('RoleName')} cannot be found.`);
      return ok(
        action,
        `<Role><Path>/</Path><RoleName>${xml(role.name)}</RoleName><RoleId>AROAEXAMPLEROLEID0001</RoleId><Arn>${xml(role.arn)}</Arn><CreateDate>${CREATED}</CreateDate>` +
          `<AssumeRolePolicyDocument>${xml(encodeURIComponent(role.assumeRolePolicy ?? '{}'))}</AssumeRolePolicyDocument>` +
          `${role.description === undefined ? '' : `<Description>${xml(role.description)}</Description>`}<MaxSessionDuration>3600</MaxSessionDuration></Role>`,
      );
    }
    case 'ListRolePolicies':
      return ok(action, '<IsTruncated>false</IsTruncated><PolicyNames/>');
    case 'ListAttachedRolePolicies': {
      const role = contents.roles.find((candidate) => candidate.name === form.get('RoleName'));
      if (!role) return noSuchEntity(`The role with name ${form.get('RoleName')} cannot be found.`);
      const attached = (role.attachedPolicyArns ?? []).map((arn) => `<member><PolicyName>${xml(arn.split('/').pop() ?? '')}</PolicyName><PolicyArn>${xml(arn)}</PolicyArn></member>`);
      return ok(action, `<IsTruncated>false</IsTruncated><AttachedPolicies>${attached.join('')}</AttachedPolicies>`);
    }
    case 'GetPolicy': {
      const policy = contents.policies.find((candidate) => candidate.arn === form.get('PolicyArn'));
      if (!policy) return noSuchEntity(`Policy ${form.get('PolicyArn')} was not found.`);
      return ok(
        action,
        `<Policy><PolicyName>${xml(policy.name)}</PolicyName><PolicyId>ANPAEXAMPLEPOLICY0001</PolicyId><Arn>${xml(policy.arn)}</Arn><Path>${xml(policy.path ?? '/')}</Path>` +
          `${policy.description === undefined ? '' : `<Description>${xml(policy.description)}</Description>`}<DefaultVersionId>v1</DefaultVersionId><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>${CREATED}</CreateDate><UpdateDate>${CREATED}</UpdateDate></Policy>`,
      );
    }
    case 'GetPolicyVersion': {
      const policy = contents.policies.find((candidate) => candidate.arn === form.get('PolicyArn'));
      if (!policy) return noSuchEntity(`Policy ${form.get('PolicyArn')} was not found.`);
      return ok(
        action,
        `<PolicyVersion><Document>${xml(encodeURIComponent(policy.document ?? '{}'))}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>${CREATED}</CreateDate></PolicyVersion>`,
      );
    }
    case 'ListPolicies':
      return ok(
        action,
        `<IsTruncated>false</IsTruncated><Policies>${contents.policies
          .map(
            (policy) =>
              `<member><PolicyName>${xml(policy.name)}</PolicyName><PolicyId>ANPAEXAMPLEPOLICY0001</PolicyId><Arn>${xml(policy.arn)}</Arn><Path>${xml(policy.path ?? '/')}</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable><CreateDate>${CREATED}</CreateDate><UpdateDate>${CREATED}</UpdateDate></member>`,
          )
          .join('')}</Policies>`,
      );
    default:
      return { status: 400, body: errorXml('InvalidAction', `The action ${action} is not valid for this web service.`) };
  }
}

function ok(action: string, result: string): { status: number; body: string } {
  return {
    status: 200,
    body: `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function noSuchEntity(message: string): { status: number; body: string } {
  return { status: 404, body: errorXml('NoSuchEntity', message) };
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
