// Queue actions as Postfix names them: retry now (postqueue -i), hold
// (postsuper -h), release (postsuper -H), delete (postsuper -d), for one
// message or every message a filter matches.
import { useCallback } from 'react';
import { useClient, type CombinedError } from 'urql';
import { errorText } from '../api/client.ts';
import { graphql } from '../gql/index.ts';
import type { QueueFilterInput } from '../gql/graphql.ts';

export type QueueAction = 'retry' | 'hold' | 'release' | 'delete';
export const QUEUE_ACTIONS: readonly QueueAction[] = ['retry', 'hold', 'release', 'delete'];

/** The Postfix command each action stands for, shown on its button. */
export const POSTFIX_EQUIVALENT: Record<QueueAction, string> = {
  retry: 'postqueue -i',
  hold: 'postsuper -h',
  release: 'postsuper -H',
  delete: 'postsuper -d',
};

const RetryMessageDocument = graphql(`
  mutation RetryMessage($id: ID!) {
    retryMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const HoldMessageDocument = graphql(`
  mutation HoldMessage($id: ID!) {
    holdMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const ReleaseMessageDocument = graphql(`
  mutation ReleaseMessage($id: ID!) {
    releaseMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const DeleteMessageDocument = graphql(`
  mutation DeleteMessage($id: ID!) {
    deleteMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const RetryMessagesDocument = graphql(`
  mutation RetryMessages($filter: QueueFilterInput!) {
    retryMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const HoldMessagesDocument = graphql(`
  mutation HoldMessages($filter: QueueFilterInput!) {
    holdMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const ReleaseMessagesDocument = graphql(`
  mutation ReleaseMessages($filter: QueueFilterInput!) {
    releaseMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }
  }
`);
const DeleteMessagesDocument = graphql(`
  mutation DeleteMessages($filter: QueueFilterInput!) {
    deleteMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }
  }
`);

export interface ActionOutcome {
  recipientsAffected: number;
  messagesDeleted: number;
  /** Problems and request errors, one line each. */
  failures: string[];
}

interface Payload {
  recipientsAffected: number;
  messagesDeleted: number;
  problem?: { code: string; message: string } | null;
}

function outcomeOf(payload: Payload | undefined, error: CombinedError | undefined): ActionOutcome {
  const failures: string[] = [];
  if (error) failures.push(errorText(error));
  if (payload?.problem) failures.push(`${payload.problem.code}: ${payload.problem.message}`);
  return { recipientsAffected: payload?.recipientsAffected ?? 0, messagesDeleted: payload?.messagesDeleted ?? 0, failures };
}

export function sumOutcomes(outcomes: ActionOutcome[]): ActionOutcome {
  return outcomes.reduce(
    (total, o) => ({
      recipientsAffected: total.recipientsAffected + o.recipientsAffected,
      messagesDeleted: total.messagesDeleted + o.messagesDeleted,
      failures: [...total.failures, ...o.failures],
    }),
    { recipientsAffected: 0, messagesDeleted: 0, failures: [] },
  );
}

export function useQueueActions() {
  const client = useClient();
  const runOne = useCallback(
    async (action: QueueAction, id: string): Promise<ActionOutcome> => {
      const variables = { id };
      switch (action) {
        case 'retry': {
          const r = await client.mutation(RetryMessageDocument, variables).toPromise();
          return outcomeOf(r.data?.retryMessage, r.error);
        }
        case 'hold': {
          const r = await client.mutation(HoldMessageDocument, variables).toPromise();
          return outcomeOf(r.data?.holdMessage, r.error);
        }
        case 'release': {
          const r = await client.mutation(ReleaseMessageDocument, variables).toPromise();
          return outcomeOf(r.data?.releaseMessage, r.error);
        }
        case 'delete': {
          const r = await client.mutation(DeleteMessageDocument, variables).toPromise();
          return outcomeOf(r.data?.deleteMessage, r.error);
        }
      }
    },
    [client],
  );
  const runByFilter = useCallback(
    async (action: QueueAction, filter: QueueFilterInput): Promise<ActionOutcome> => {
      const variables = { filter };
      switch (action) {
        case 'retry': {
          const r = await client.mutation(RetryMessagesDocument, variables).toPromise();
          return outcomeOf(r.data?.retryMessages, r.error);
        }
        case 'hold': {
          const r = await client.mutation(HoldMessagesDocument, variables).toPromise();
          return outcomeOf(r.data?.holdMessages, r.error);
        }
        case 'release': {
          const r = await client.mutation(ReleaseMessagesDocument, variables).toPromise();
          return outcomeOf(r.data?.releaseMessages, r.error);
        }
        case 'delete': {
          const r = await client.mutation(DeleteMessagesDocument, variables).toPromise();
          return outcomeOf(r.data?.deleteMessages, r.error);
        }
      }
    },
    [client],
  );
  return { runOne, runByFilter };
}
