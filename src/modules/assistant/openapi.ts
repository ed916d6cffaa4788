import { z } from 'zod';
import { SEND_HTTP_STATUS, sendEmailBody } from '../send/tool-contract';
import { jsonSchemaOf, TOOLS } from './tools';

const stagedEmail = z.object({
  status: z.literal('pending_confirmation'),
  id: z.uuid(),
  expires_at: z.iso.datetime(),
  confirmation: z
    .enum(['ephemeral', 'direct_message'])
    .describe('Where the person was shown the preview with the Send button.'),
});

const emailStatus = z.object({
  id: z.uuid(),
  status: z.enum([
    'pending_confirmation',
    'sending',
    'sent',
    'cancelled',
    'expired',
    'failed',
    'outcome_unknown',
  ]),
  expires_at: z.iso.datetime(),
  recipient_count: z.int(),
  sent_at: z.iso.datetime().optional(),
  gmail_message_id: z.string().optional(),
  reason: z.string().optional().describe('Why the email failed or was not sent.'),
  content: z.literal('purged').optional().describe('Set once retention removed the content.'),
});

const toolError = z.looseObject({
  error: z.string().describe('A stable code, e.g. not_connected.'),
  message: z.string().describe('What went wrong, in words the assistant can relay.'),
});

const toolList = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      parameters: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the arguments.'),
      annotations: z.record(z.string(), z.unknown()),
      http: z.object({ method: z.enum(['GET', 'POST']), path: z.string() }),
    }),
  ),
});

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

/** The refusals a route answers, by status, each naming its codes. */
function refusals(codes: ReadonlyArray<keyof typeof SEND_HTTP_STATUS>) {
  const byStatus = new Map<number, string[]>();
  for (const code of codes)
    byStatus.set(SEND_HTTP_STATUS[code], [...(byStatus.get(SEND_HTTP_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, named]) => [
      String(status),
      { description: named.join(', '), content: json('Error') },
    ]),
  );
}

const unauthorized = { '401': { description: 'missing or wrong bearer key', content: json('Error') } };
const toolDescription = (name: string) => TOOLS.find((t) => t.name === name)?.description;
const stagingCodes = (Object.keys(SEND_HTTP_STATUS) as Array<keyof typeof SEND_HTTP_STATUS>).filter(
  (c) => c !== 'not_found',
);

/** The HTTP tool API as OpenAPI 3.1; its schemas are the ones the routes validate with. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mailbridge tool API',
      version: '1.0.0',
      description:
        "An assistant's tools to prepare emails that the person who asked sends with one click in Slack. Nothing here sends an email.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      '/api/tools/send-email': {
        post: {
          operationId: 'send_email',
          summary: 'Stage an email for the person to send',
          description: toolDescription('send_email'),
          requestBody: { required: true, content: json('SendEmailRequest') },
          responses: {
            '202': { description: 'staged; waiting for the click on Send', content: json('StagedEmail') },
            ...refusals(stagingCodes),
            ...unauthorized,
          },
        },
      },
      '/api/tools/send-email/{id}': {
        get: {
          operationId: 'get_email_status',
          summary: 'Status of a staged email',
          description: toolDescription('get_email_status'),
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'the staged email', content: json('EmailStatus') },
            ...refusals(['not_found']),
            ...unauthorized,
          },
        },
      },
      '/api/tools': {
        get: {
          operationId: 'list_tools',
          summary: 'The tools with their JSON Schemas, for function calling',
          responses: { '200': { description: 'the tools', content: json('ToolList') }, ...unauthorized },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'AGENT_API_KEY' } },
      schemas: {
        SendEmailRequest: jsonSchemaOf(sendEmailBody),
        StagedEmail: jsonSchemaOf(stagedEmail),
        EmailStatus: jsonSchemaOf(emailStatus),
        Error: jsonSchemaOf(toolError),
        ToolList: jsonSchemaOf(toolList),
      },
    },
  };
}
