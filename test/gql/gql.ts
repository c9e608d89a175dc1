/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription DeliveryEvents { deliveryEvents { outcome domain code enhanced category } }": typeof types.DeliveryEventsDocument,
    "subscription Alerts { alerts { kind subject } }": typeof types.AlertsDocument,
    "subscription QueueStatsFeed($every: Int) { queueStats(intervalSeconds: $every) { queued deferred held } }": typeof types.QueueStatsFeedDocument,
};
const documents: Documents = {
    "subscription DeliveryEvents { deliveryEvents { outcome domain code enhanced category } }": types.DeliveryEventsDocument,
    "subscription Alerts { alerts { kind subject } }": types.AlertsDocument,
    "subscription QueueStatsFeed($every: Int) { queueStats(intervalSeconds: $every) { queued deferred held } }": types.QueueStatsFeedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription DeliveryEvents { deliveryEvents { outcome domain code enhanced category } }"): (typeof documents)["subscription DeliveryEvents { deliveryEvents { outcome domain code enhanced category } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Alerts { alerts { kind subject } }"): (typeof documents)["subscription Alerts { alerts { kind subject } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription QueueStatsFeed($every: Int) { queueStats(intervalSeconds: $every) { queued deferred held } }"): (typeof documents)["subscription QueueStatsFeed($every: Int) { queueStats(intervalSeconds: $every) { queued deferred held } }"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;