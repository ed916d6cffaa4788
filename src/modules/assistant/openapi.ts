import { z } from 'zod';
import {
  emailStatusAnswer,
  getEmailStatusInput,
  IDEMPOTENCY_KEY_HEADER,
  SEND_HTTP_STATUS,
  sendEmailBody,
  stagedEmailAnswer,
  toolErrorAnswer,
} from '../send/tool-contract';
import { connectionStatusAnswer, getConnectionStatusInput, jsonSchemaOf, TOOLS } from './tools';

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

/** A tool's arguments as the parameters of a GET: in the path or the query string, with their own schemas. */
function parametersOf(input: z.ZodType, where: 'path' | 'query') {
  const { properties = {}, required = [] } = jsonSchemaOf(input) as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    ...(schema.description ? { description: schema.description } : {}),
    schema,
  }));
}

const unauthorized = { '401': { description: 'missing or wrong bearer key', content: json('Error') } };
const toolDescription = (name: string) => TOOLS.find((t) => t.name === name)?.description;
const stagingCodes = (Object.keys(SEND_HTTP_STATUS) as Array<keyof typeof SEND_HTTP_STATUS>).filter(
  (c) => c !== 'not_found',
);
/** What finding the trigger's author can refuse, as send_email finds the sender. */
const connectionCodes = [
  'invalid_request',
  'unknown_field',
  'unknown_trigger',
  'ambiguous_trigger',
  'trigger_not_human',
  'trigger_too_old',
  'external_trigger',
] as const;

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
          parameters: [IDEMPOTENCY_KEY_HEADER],
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
          parameters: parametersOf(getEmailStatusInput, 'path'),
          responses: {
            '200': { description: 'the staged email', content: json('EmailStatus') },
            ...refusals(['not_found']),
            ...unauthorized,
          },
        },
      },
      '/api/tools/connection-status': {
        get: {
          operationId: 'get_connection_status',
          summary: "The person's Gmail connection",
          description: toolDescription('get_connection_status'),
          parameters: parametersOf(getConnectionStatusInput, 'query'),
          responses: {
            '200': {
              description: 'the connection of the trigger’s author',
              content: json('ConnectionStatus'),
            },
            ...refusals(connectionCodes),
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
        StagedEmail: jsonSchemaOf(stagedEmailAnswer),
        EmailStatus: jsonSchemaOf(emailStatusAnswer),
        ConnectionStatus: jsonSchemaOf(connectionStatusAnswer),
        Error: jsonSchemaOf(toolErrorAnswer),
        ToolList: jsonSchemaOf(toolList),
      },
    },
  };
}
