import { z } from 'zod';
import { channelId, getEmailStatusInput, sendEmailBody, triggerMessageTs } from '../send/tool-contract';

/** MCP's hints about a tool's effects, which clients use to decide when to ask the person first. */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolDefinition {
  name: 'send_email' | 'get_email_status' | 'get_connection_status';
  /** Written for a model: what the tool does, when to use it and what happens next. */
  description: string;
  input: z.ZodType;
  annotations: ToolAnnotations;
  /** The route of the HTTP tool API that runs the same tool, when there is one. */
  http?: { method: 'POST' | 'GET'; path: string };
}

/** get_connection_status's arguments: the MCP tool's input and the query string of its route. */
export const getConnectionStatusInput = z.strictObject({
  trigger_message_ts: triggerMessageTs,
  channel_id: channelId,
});
export const CONNECTION_STATUS_FIELDS = 'trigger_message_ts and channel_id';

/** What get_connection_status answers (a ConnectionStatusView): nothing about anyone but the trigger's author. */
export const connectionStatusAnswer = z.discriminatedUnion('connected', [
  z.object({ connected: z.literal(false), status: z.enum(['not_connected', 'connection_invalid']) }),
  z.object({
    connected: z.literal(true),
    status: z.literal('connected'),
    email: z.string(),
    permissions: z.array(z.string()).describe('send, read_headers, read, modify or full_access.'),
    notifications: z.enum(['on', 'off']),
  }),
]);

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A tool that only reads: it changes nothing, in Mailbridge or outside. */
const readTool = (
  name: ToolDefinition['name'],
  title: string,
  input: z.ZodType,
  description: string,
  http?: ToolDefinition['http'],
): ToolDefinition => ({
  name,
  description,
  input,
  annotations: { title, ...readOnly },
  ...(http ? { http } : {}),
});

/** The assistant's tools, shared by MCP (tools/list) and function calling (GET /api/tools). */
export const TOOLS: readonly ToolDefinition[] = [
  {
    name: 'send_email',
    description:
      "Prepares an email from the Gmail account of the Slack user who wrote the trigger message, and shows them a preview in Slack with Send and Cancel buttons. Nothing is sent by this tool: the email goes out only if that person clicks Send, within the expiry time. The sender is always the trigger message's author; use the ts of the message in which they asked for the email. If they have not connected Gmail, the call is refused and they are shown how to connect (/ai-email-connect). To reply to an email they received, pass its Gmail message id as in_reply_to (from a new-mail event or notification): the reply carries that email's threading headers, and an empty subject becomes 'Re: <its subject>'. Gmail keeps a reply in the thread only when the subjects match: leave subject empty, or write 'Re: <their subject>'; another subject starts a new thread. Replying needs their notification permission (/ai-email-notifications on). After calling, tell the person to review the preview and click Send in Slack; use get_email_status with the returned id to learn whether it was sent. Calling again with exactly the same arguments while that email is still waiting for the click returns the same id and shows no second preview. Recipients outside the domains this workspace may email are refused with the address named (recipient_domain_not_allowed, recipient_domain_blocked): tell the person.",
    input: sendEmailBody,
    annotations: {
      title: 'Stage an email for the person to send',
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    },
    http: { method: 'POST', path: '/api/tools/send-email' },
  },
  readTool(
    'get_email_status',
    'Status of a staged email',
    getEmailStatusInput,
    'Tells what became of an email staged with send_email: pending_confirmation (waiting for the person to click Send), sending, sent, cancelled, expired, failed (with a reason) or outcome_unknown (the person should check their Sent folder); edited is true when the person changed the email in Slack before confirming (what is sent is their version). Never returns the content.',
    {
      method: 'GET',
      path: '/api/tools/send-email/{id}',
    },
  ),
  readTool(
    'get_connection_status',
    "The person's Gmail connection",
    getConnectionStatusInput,
    "Tells whether the author of a Slack message has connected their Gmail to Mailbridge: as which address, with which permissions (send, read_headers, read…) and whether new-mail notifications are on. Use it before send_email when unsure; if they are not connected, or the connection stopped working, suggest that they run /ai-email-connect in Slack instead of trying to send. Answers only about that message's author.",
    { method: 'GET', path: '/api/tools/connection-status' },
  ),
];

/** A tool's JSON Schema (draft 2020-12) as callers send its arguments; the same in MCP, /api/tools and OpenAPI. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}
