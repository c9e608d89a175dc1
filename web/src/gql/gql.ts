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
    "\n  query Me {\n    me {\n      kind\n      login\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($login: String!, $password: String!) {\n    login(login: $login, password: $password) {\n      viewer {\n        kind\n        login\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Admins {\n    admins(first: 100) {\n      edges {\n        node {\n          login\n          isDisabled\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.AdminsDocument,
    "\n  mutation AddAdmin($login: String!, $password: String!) {\n    addAdmin(login: $login, password: $password) { admin { login } problem { code message } }\n  }\n": typeof types.AddAdminDocument,
    "\n  mutation DisableAdmin($login: String!) {\n    disableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n": typeof types.DisableAdminDocument,
    "\n  mutation EnableAdmin($login: String!) {\n    enableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n": typeof types.EnableAdminDocument,
    "\n  subscription AlertFeed {\n    alerts {\n      alertId\n      kind\n      subject\n      at\n    }\n  }\n": typeof types.AlertFeedDocument,
    "\n  query Blacklist($kind: BlacklistKind, $after: String) {\n    blacklistEntries(first: 100, kind: $kind, after: $after) {\n      edges {\n        node {\n          kind\n          pattern\n          reason\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.BlacklistDocument,
    "\n  mutation AddBlacklistEntry($kind: BlacklistKind!, $pattern: String!, $reason: String!) {\n    addBlacklistEntry(kind: $kind, pattern: $pattern, reason: $reason) {\n      entry {\n        pattern\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.AddBlacklistEntryDocument,
    "\n  mutation RemoveBlacklistEntry($kind: BlacklistKind!, $pattern: String!) {\n    removeBlacklistEntry(kind: $kind, pattern: $pattern) {\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.RemoveBlacklistEntryDocument,
    "\n  query BounceHistory($address: String!) {\n    bounceHistory(address: $address) {\n      recipientHash\n      lastSuccessOn\n      evidence {\n        category\n        count\n        kind\n        lastAt\n      }\n      outcomes {\n        outcome\n        category\n        count\n      }\n      suppressions {\n        id\n        scope\n        reason\n        source\n        createdAt\n        expiresAt\n      }\n      attempts {\n        at\n        outcome\n        category\n        code\n        enhanced\n        text\n        mx\n        isTls\n        domain\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.BounceHistoryDocument,
    "\n  query Health {\n    me {\n      kind\n      login\n    }\n    health {\n      isDatabaseReachable\n      isSmtpListening\n      isHttpsEnabled\n      certificateNotAfter\n      certificateSubject\n      isCertificateSelfSigned\n    }\n  }\n": typeof types.HealthDocument,
    "\n  query SenderHolds {\n    senderHolds(first: 100, releasedWithinHours: 24) {\n      edges {\n        node {\n          key\n          reason\n          source\n          since\n          heldBy\n          releasedAt\n          releasedBy\n        }\n      }\n    }\n  }\n": typeof types.SenderHoldsDocument,
    "\n  mutation HoldSender($key: String!, $reason: String!) {\n    holdSender(key: $key, reason: $reason) { recipients hold { key } problem { code message } }\n  }\n": typeof types.HoldSenderDocument,
    "\n  mutation ReleaseSender($key: String!) {\n    releaseSender(key: $key) { recipients hold { key } problem { code message } }\n  }\n": typeof types.ReleaseSenderDocument,
    "\n  query StatsSeries($scope: StatsScope!, $key: String, $hours: Int!) {\n    stats(scope: $scope, key: $key, bucket: HOUR, hours: $hours) {\n      since\n      points {\n        at\n        received\n        delivered\n        deferred\n        bounced\n        expired\n        complaints\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.StatsSeriesDocument,
    "\n  query Users($after: String) {\n    users(first: 100, after: $after) {\n      edges {\n        node {\n          login\n          allowedSenders\n          quotaPerHour\n          quotaPerDay\n          isDisabled\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation AddUser($login: String!, $password: String!, $allowedSenders: [String!]!) {\n    addUser(login: $login, password: $password, allowedSenders: $allowedSenders) { user { login } problem { code message } }\n  }\n": typeof types.AddUserDocument,
    "\n  mutation DisableUser($login: String!) {\n    disableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n": typeof types.DisableUserDocument,
    "\n  mutation EnableUser($login: String!) {\n    enableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n": typeof types.EnableUserDocument,
    "\n  mutation SetUserQuotas($login: String!, $perHour: Int, $perDay: Int) {\n    setUserQuotas(login: $login, perHour: $perHour, perDay: $perDay) { user { login quotaPerHour quotaPerDay } problem { code message } }\n  }\n": typeof types.SetUserQuotasDocument,
    "\n  mutation SetUserSenders($login: String!, $allowedSenders: [String!]!) {\n    setUserSenders(login: $login, allowedSenders: $allowedSenders) { user { login allowedSenders } problem { code message } }\n  }\n": typeof types.SetUserSendersDocument,
    "\n  mutation RetryMessage($id: ID!) {\n    retryMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.RetryMessageDocument,
    "\n  mutation HoldMessage($id: ID!) {\n    holdMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.HoldMessageDocument,
    "\n  mutation ReleaseMessage($id: ID!) {\n    releaseMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.ReleaseMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  mutation RetryMessages($filter: QueueFilterInput!) {\n    retryMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.RetryMessagesDocument,
    "\n  mutation HoldMessages($filter: QueueFilterInput!) {\n    holdMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.HoldMessagesDocument,
    "\n  mutation ReleaseMessages($filter: QueueFilterInput!) {\n    releaseMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.ReleaseMessagesDocument,
    "\n  mutation DeleteMessages($filter: QueueFilterInput!) {\n    deleteMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": typeof types.DeleteMessagesDocument,
    "\n  query AlertList($first: Int!, $after: String, $kind: String, $isUnacknowledgedOnly: Boolean) {\n    alerts(first: $first, after: $after, kind: $kind, isUnacknowledgedOnly: $isUnacknowledgedOnly) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n          acknowledgedAt\n          acknowledgedBy\n          details {\n            name\n            value\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.AlertListDocument,
    "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      alert {\n        id\n        isAcknowledged\n        acknowledgedAt\n        acknowledgedBy\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.AcknowledgeAlertDocument,
    "\n  query OverviewTotals {\n    stats(scope: GLOBAL, bucket: HOUR, hours: 24) {\n      points {\n        received\n        delivered\n        deferred\n        bounced\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.OverviewTotalsDocument,
    "\n  subscription QueueStatsLive {\n    queueStats(intervalSeconds: 5) {\n      queued\n      active\n      deferred\n      held\n      at\n    }\n  }\n": typeof types.QueueStatsLiveDocument,
    "\n  subscription DeliveryFeed {\n    deliveryEvents {\n      outcome\n      domain\n      code\n      enhanced\n      category\n      at\n    }\n  }\n": typeof types.DeliveryFeedDocument,
    "\n  query LatestAlerts {\n    alerts(first: 5) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n        }\n      }\n    }\n  }\n": typeof types.LatestAlertsDocument,
    "\n  query QueuePage($first: Int!, $after: String, $filter: QueueFilterInput) {\n    queueEntries(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          mailFrom\n          subject\n          receivedAt\n          sizeBytes\n          submittedBy\n          recipients {\n            rcptTo\n            domain\n            state\n            attempts\n            lastAttemptAt\n            nextAttemptAt\n            lastMx\n            isLastTls\n            lastReply {\n              code\n              enhanced\n              text\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.QueuePageDocument,
    "\n  query ApiTokens {\n    apiTokens(first: 100) {\n      edges {\n        node {\n          id\n          name\n          scope\n          createdBy\n          createdAt\n          lastUsedAt\n          revokedAt\n        }\n      }\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($name: String!, $scope: TokenScope!) {\n    createApiToken(name: $name, scope: $scope) { secret token { id name } problem { code message } }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { token { id revokedAt } problem { code message } }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query SuppressionList($first: Int!, $after: String, $address: String, $source: String) {\n    suppressions(first: $first, after: $after, address: $address, source: $source) {\n      edges {\n        node {\n          id\n          address\n          recipientHash\n          scope\n          reason\n          source\n          createdAt\n          createdBy\n          expiresAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.SuppressionListDocument,
    "\n  mutation AddSuppression($address: String!, $reason: String!, $scope: String, $expiresAt: DateTime) {\n    addSuppression(address: $address, reason: $reason, scope: $scope, expiresAt: $expiresAt) {\n      suppression {\n        id\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.AddSuppressionDocument,
    "\n  mutation RemoveSuppression($address: String!, $scope: String) {\n    removeSuppression(address: $address, scope: $scope) {\n      removed\n      problem {\n        code\n        message\n      }\n    }\n  }\n": typeof types.RemoveSuppressionDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      kind\n      login\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($login: String!, $password: String!) {\n    login(login: $login, password: $password) {\n      viewer {\n        kind\n        login\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Admins {\n    admins(first: 100) {\n      edges {\n        node {\n          login\n          isDisabled\n          createdAt\n        }\n      }\n    }\n  }\n": types.AdminsDocument,
    "\n  mutation AddAdmin($login: String!, $password: String!) {\n    addAdmin(login: $login, password: $password) { admin { login } problem { code message } }\n  }\n": types.AddAdminDocument,
    "\n  mutation DisableAdmin($login: String!) {\n    disableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n": types.DisableAdminDocument,
    "\n  mutation EnableAdmin($login: String!) {\n    enableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n": types.EnableAdminDocument,
    "\n  subscription AlertFeed {\n    alerts {\n      alertId\n      kind\n      subject\n      at\n    }\n  }\n": types.AlertFeedDocument,
    "\n  query Blacklist($kind: BlacklistKind, $after: String) {\n    blacklistEntries(first: 100, kind: $kind, after: $after) {\n      edges {\n        node {\n          kind\n          pattern\n          reason\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.BlacklistDocument,
    "\n  mutation AddBlacklistEntry($kind: BlacklistKind!, $pattern: String!, $reason: String!) {\n    addBlacklistEntry(kind: $kind, pattern: $pattern, reason: $reason) {\n      entry {\n        pattern\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.AddBlacklistEntryDocument,
    "\n  mutation RemoveBlacklistEntry($kind: BlacklistKind!, $pattern: String!) {\n    removeBlacklistEntry(kind: $kind, pattern: $pattern) {\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.RemoveBlacklistEntryDocument,
    "\n  query BounceHistory($address: String!) {\n    bounceHistory(address: $address) {\n      recipientHash\n      lastSuccessOn\n      evidence {\n        category\n        count\n        kind\n        lastAt\n      }\n      outcomes {\n        outcome\n        category\n        count\n      }\n      suppressions {\n        id\n        scope\n        reason\n        source\n        createdAt\n        expiresAt\n      }\n      attempts {\n        at\n        outcome\n        category\n        code\n        enhanced\n        text\n        mx\n        isTls\n        domain\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.BounceHistoryDocument,
    "\n  query Health {\n    me {\n      kind\n      login\n    }\n    health {\n      isDatabaseReachable\n      isSmtpListening\n      isHttpsEnabled\n      certificateNotAfter\n      certificateSubject\n      isCertificateSelfSigned\n    }\n  }\n": types.HealthDocument,
    "\n  query SenderHolds {\n    senderHolds(first: 100, releasedWithinHours: 24) {\n      edges {\n        node {\n          key\n          reason\n          source\n          since\n          heldBy\n          releasedAt\n          releasedBy\n        }\n      }\n    }\n  }\n": types.SenderHoldsDocument,
    "\n  mutation HoldSender($key: String!, $reason: String!) {\n    holdSender(key: $key, reason: $reason) { recipients hold { key } problem { code message } }\n  }\n": types.HoldSenderDocument,
    "\n  mutation ReleaseSender($key: String!) {\n    releaseSender(key: $key) { recipients hold { key } problem { code message } }\n  }\n": types.ReleaseSenderDocument,
    "\n  query StatsSeries($scope: StatsScope!, $key: String, $hours: Int!) {\n    stats(scope: $scope, key: $key, bucket: HOUR, hours: $hours) {\n      since\n      points {\n        at\n        received\n        delivered\n        deferred\n        bounced\n        expired\n        complaints\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.StatsSeriesDocument,
    "\n  query Users($after: String) {\n    users(first: 100, after: $after) {\n      edges {\n        node {\n          login\n          allowedSenders\n          quotaPerHour\n          quotaPerDay\n          isDisabled\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  mutation AddUser($login: String!, $password: String!, $allowedSenders: [String!]!) {\n    addUser(login: $login, password: $password, allowedSenders: $allowedSenders) { user { login } problem { code message } }\n  }\n": types.AddUserDocument,
    "\n  mutation DisableUser($login: String!) {\n    disableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n": types.DisableUserDocument,
    "\n  mutation EnableUser($login: String!) {\n    enableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n": types.EnableUserDocument,
    "\n  mutation SetUserQuotas($login: String!, $perHour: Int, $perDay: Int) {\n    setUserQuotas(login: $login, perHour: $perHour, perDay: $perDay) { user { login quotaPerHour quotaPerDay } problem { code message } }\n  }\n": types.SetUserQuotasDocument,
    "\n  mutation SetUserSenders($login: String!, $allowedSenders: [String!]!) {\n    setUserSenders(login: $login, allowedSenders: $allowedSenders) { user { login allowedSenders } problem { code message } }\n  }\n": types.SetUserSendersDocument,
    "\n  mutation RetryMessage($id: ID!) {\n    retryMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.RetryMessageDocument,
    "\n  mutation HoldMessage($id: ID!) {\n    holdMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.HoldMessageDocument,
    "\n  mutation ReleaseMessage($id: ID!) {\n    releaseMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.ReleaseMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.DeleteMessageDocument,
    "\n  mutation RetryMessages($filter: QueueFilterInput!) {\n    retryMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.RetryMessagesDocument,
    "\n  mutation HoldMessages($filter: QueueFilterInput!) {\n    holdMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.HoldMessagesDocument,
    "\n  mutation ReleaseMessages($filter: QueueFilterInput!) {\n    releaseMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.ReleaseMessagesDocument,
    "\n  mutation DeleteMessages($filter: QueueFilterInput!) {\n    deleteMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n": types.DeleteMessagesDocument,
    "\n  query AlertList($first: Int!, $after: String, $kind: String, $isUnacknowledgedOnly: Boolean) {\n    alerts(first: $first, after: $after, kind: $kind, isUnacknowledgedOnly: $isUnacknowledgedOnly) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n          acknowledgedAt\n          acknowledgedBy\n          details {\n            name\n            value\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.AlertListDocument,
    "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      alert {\n        id\n        isAcknowledged\n        acknowledgedAt\n        acknowledgedBy\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.AcknowledgeAlertDocument,
    "\n  query OverviewTotals {\n    stats(scope: GLOBAL, bucket: HOUR, hours: 24) {\n      points {\n        received\n        delivered\n        deferred\n        bounced\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.OverviewTotalsDocument,
    "\n  subscription QueueStatsLive {\n    queueStats(intervalSeconds: 5) {\n      queued\n      active\n      deferred\n      held\n      at\n    }\n  }\n": types.QueueStatsLiveDocument,
    "\n  subscription DeliveryFeed {\n    deliveryEvents {\n      outcome\n      domain\n      code\n      enhanced\n      category\n      at\n    }\n  }\n": types.DeliveryFeedDocument,
    "\n  query LatestAlerts {\n    alerts(first: 5) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n        }\n      }\n    }\n  }\n": types.LatestAlertsDocument,
    "\n  query QueuePage($first: Int!, $after: String, $filter: QueueFilterInput) {\n    queueEntries(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          mailFrom\n          subject\n          receivedAt\n          sizeBytes\n          submittedBy\n          recipients {\n            rcptTo\n            domain\n            state\n            attempts\n            lastAttemptAt\n            nextAttemptAt\n            lastMx\n            isLastTls\n            lastReply {\n              code\n              enhanced\n              text\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.QueuePageDocument,
    "\n  query ApiTokens {\n    apiTokens(first: 100) {\n      edges {\n        node {\n          id\n          name\n          scope\n          createdBy\n          createdAt\n          lastUsedAt\n          revokedAt\n        }\n      }\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($name: String!, $scope: TokenScope!) {\n    createApiToken(name: $name, scope: $scope) { secret token { id name } problem { code message } }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { token { id revokedAt } problem { code message } }\n  }\n": types.RevokeApiTokenDocument,
    "\n  query SuppressionList($first: Int!, $after: String, $address: String, $source: String) {\n    suppressions(first: $first, after: $after, address: $address, source: $source) {\n      edges {\n        node {\n          id\n          address\n          recipientHash\n          scope\n          reason\n          source\n          createdAt\n          createdBy\n          expiresAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.SuppressionListDocument,
    "\n  mutation AddSuppression($address: String!, $reason: String!, $scope: String, $expiresAt: DateTime) {\n    addSuppression(address: $address, reason: $reason, scope: $scope, expiresAt: $expiresAt) {\n      suppression {\n        id\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.AddSuppressionDocument,
    "\n  mutation RemoveSuppression($address: String!, $scope: String) {\n    removeSuppression(address: $address, scope: $scope) {\n      removed\n      problem {\n        code\n        message\n      }\n    }\n  }\n": types.RemoveSuppressionDocument,
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
export function graphql(source: "\n  query Me {\n    me {\n      kind\n      login\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      kind\n      login\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($login: String!, $password: String!) {\n    login(login: $login, password: $password) {\n      viewer {\n        kind\n        login\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($login: String!, $password: String!) {\n    login(login: $login, password: $password) {\n      viewer {\n        kind\n        login\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Admins {\n    admins(first: 100) {\n      edges {\n        node {\n          login\n          isDisabled\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Admins {\n    admins(first: 100) {\n      edges {\n        node {\n          login\n          isDisabled\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddAdmin($login: String!, $password: String!) {\n    addAdmin(login: $login, password: $password) { admin { login } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation AddAdmin($login: String!, $password: String!) {\n    addAdmin(login: $login, password: $password) { admin { login } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableAdmin($login: String!) {\n    disableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation DisableAdmin($login: String!) {\n    disableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableAdmin($login: String!) {\n    enableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation EnableAdmin($login: String!) {\n    enableAdmin(login: $login) { admin { login isDisabled } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertFeed {\n    alerts {\n      alertId\n      kind\n      subject\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription AlertFeed {\n    alerts {\n      alertId\n      kind\n      subject\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Blacklist($kind: BlacklistKind, $after: String) {\n    blacklistEntries(first: 100, kind: $kind, after: $after) {\n      edges {\n        node {\n          kind\n          pattern\n          reason\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Blacklist($kind: BlacklistKind, $after: String) {\n    blacklistEntries(first: 100, kind: $kind, after: $after) {\n      edges {\n        node {\n          kind\n          pattern\n          reason\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddBlacklistEntry($kind: BlacklistKind!, $pattern: String!, $reason: String!) {\n    addBlacklistEntry(kind: $kind, pattern: $pattern, reason: $reason) {\n      entry {\n        pattern\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddBlacklistEntry($kind: BlacklistKind!, $pattern: String!, $reason: String!) {\n    addBlacklistEntry(kind: $kind, pattern: $pattern, reason: $reason) {\n      entry {\n        pattern\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveBlacklistEntry($kind: BlacklistKind!, $pattern: String!) {\n    removeBlacklistEntry(kind: $kind, pattern: $pattern) {\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveBlacklistEntry($kind: BlacklistKind!, $pattern: String!) {\n    removeBlacklistEntry(kind: $kind, pattern: $pattern) {\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BounceHistory($address: String!) {\n    bounceHistory(address: $address) {\n      recipientHash\n      lastSuccessOn\n      evidence {\n        category\n        count\n        kind\n        lastAt\n      }\n      outcomes {\n        outcome\n        category\n        count\n      }\n      suppressions {\n        id\n        scope\n        reason\n        source\n        createdAt\n        expiresAt\n      }\n      attempts {\n        at\n        outcome\n        category\n        code\n        enhanced\n        text\n        mx\n        isTls\n        domain\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query BounceHistory($address: String!) {\n    bounceHistory(address: $address) {\n      recipientHash\n      lastSuccessOn\n      evidence {\n        category\n        count\n        kind\n        lastAt\n      }\n      outcomes {\n        outcome\n        category\n        count\n      }\n      suppressions {\n        id\n        scope\n        reason\n        source\n        createdAt\n        expiresAt\n      }\n      attempts {\n        at\n        outcome\n        category\n        code\n        enhanced\n        text\n        mx\n        isTls\n        domain\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Health {\n    me {\n      kind\n      login\n    }\n    health {\n      isDatabaseReachable\n      isSmtpListening\n      isHttpsEnabled\n      certificateNotAfter\n      certificateSubject\n      isCertificateSelfSigned\n    }\n  }\n"): (typeof documents)["\n  query Health {\n    me {\n      kind\n      login\n    }\n    health {\n      isDatabaseReachable\n      isSmtpListening\n      isHttpsEnabled\n      certificateNotAfter\n      certificateSubject\n      isCertificateSelfSigned\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SenderHolds {\n    senderHolds(first: 100, releasedWithinHours: 24) {\n      edges {\n        node {\n          key\n          reason\n          source\n          since\n          heldBy\n          releasedAt\n          releasedBy\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SenderHolds {\n    senderHolds(first: 100, releasedWithinHours: 24) {\n      edges {\n        node {\n          key\n          reason\n          source\n          since\n          heldBy\n          releasedAt\n          releasedBy\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HoldSender($key: String!, $reason: String!) {\n    holdSender(key: $key, reason: $reason) { recipients hold { key } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation HoldSender($key: String!, $reason: String!) {\n    holdSender(key: $key, reason: $reason) { recipients hold { key } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseSender($key: String!) {\n    releaseSender(key: $key) { recipients hold { key } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation ReleaseSender($key: String!) {\n    releaseSender(key: $key) { recipients hold { key } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StatsSeries($scope: StatsScope!, $key: String, $hours: Int!) {\n    stats(scope: $scope, key: $key, bucket: HOUR, hours: $hours) {\n      since\n      points {\n        at\n        received\n        delivered\n        deferred\n        bounced\n        expired\n        complaints\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query StatsSeries($scope: StatsScope!, $key: String, $hours: Int!) {\n    stats(scope: $scope, key: $key, bucket: HOUR, hours: $hours) {\n      since\n      points {\n        at\n        received\n        delivered\n        deferred\n        bounced\n        expired\n        complaints\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($after: String) {\n    users(first: 100, after: $after) {\n      edges {\n        node {\n          login\n          allowedSenders\n          quotaPerHour\n          quotaPerDay\n          isDisabled\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($after: String) {\n    users(first: 100, after: $after) {\n      edges {\n        node {\n          login\n          allowedSenders\n          quotaPerHour\n          quotaPerDay\n          isDisabled\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddUser($login: String!, $password: String!, $allowedSenders: [String!]!) {\n    addUser(login: $login, password: $password, allowedSenders: $allowedSenders) { user { login } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation AddUser($login: String!, $password: String!, $allowedSenders: [String!]!) {\n    addUser(login: $login, password: $password, allowedSenders: $allowedSenders) { user { login } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableUser($login: String!) {\n    disableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation DisableUser($login: String!) {\n    disableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableUser($login: String!) {\n    enableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation EnableUser($login: String!) {\n    enableUser(login: $login) { user { login isDisabled } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserQuotas($login: String!, $perHour: Int, $perDay: Int) {\n    setUserQuotas(login: $login, perHour: $perHour, perDay: $perDay) { user { login quotaPerHour quotaPerDay } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation SetUserQuotas($login: String!, $perHour: Int, $perDay: Int) {\n    setUserQuotas(login: $login, perHour: $perHour, perDay: $perDay) { user { login quotaPerHour quotaPerDay } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserSenders($login: String!, $allowedSenders: [String!]!) {\n    setUserSenders(login: $login, allowedSenders: $allowedSenders) { user { login allowedSenders } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation SetUserSenders($login: String!, $allowedSenders: [String!]!) {\n    setUserSenders(login: $login, allowedSenders: $allowedSenders) { user { login allowedSenders } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryMessage($id: ID!) {\n    retryMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation RetryMessage($id: ID!) {\n    retryMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HoldMessage($id: ID!) {\n    holdMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation HoldMessage($id: ID!) {\n    holdMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseMessage($id: ID!) {\n    releaseMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation ReleaseMessage($id: ID!) {\n    releaseMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryMessages($filter: QueueFilterInput!) {\n    retryMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation RetryMessages($filter: QueueFilterInput!) {\n    retryMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HoldMessages($filter: QueueFilterInput!) {\n    holdMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation HoldMessages($filter: QueueFilterInput!) {\n    holdMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseMessages($filter: QueueFilterInput!) {\n    releaseMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation ReleaseMessages($filter: QueueFilterInput!) {\n    releaseMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessages($filter: QueueFilterInput!) {\n    deleteMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"): (typeof documents)["\n  mutation DeleteMessages($filter: QueueFilterInput!) {\n    deleteMessages(filter: $filter) { recipientsAffected messagesDeleted problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertList($first: Int!, $after: String, $kind: String, $isUnacknowledgedOnly: Boolean) {\n    alerts(first: $first, after: $after, kind: $kind, isUnacknowledgedOnly: $isUnacknowledgedOnly) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n          acknowledgedAt\n          acknowledgedBy\n          details {\n            name\n            value\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertList($first: Int!, $after: String, $kind: String, $isUnacknowledgedOnly: Boolean) {\n    alerts(first: $first, after: $after, kind: $kind, isUnacknowledgedOnly: $isUnacknowledgedOnly) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n          acknowledgedAt\n          acknowledgedBy\n          details {\n            name\n            value\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      alert {\n        id\n        isAcknowledged\n        acknowledgedAt\n        acknowledgedBy\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeAlert($id: ID!) {\n    acknowledgeAlert(id: $id) {\n      alert {\n        id\n        isAcknowledged\n        acknowledgedAt\n        acknowledgedBy\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OverviewTotals {\n    stats(scope: GLOBAL, bucket: HOUR, hours: 24) {\n      points {\n        received\n        delivered\n        deferred\n        bounced\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query OverviewTotals {\n    stats(scope: GLOBAL, bucket: HOUR, hours: 24) {\n      points {\n        received\n        delivered\n        deferred\n        bounced\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription QueueStatsLive {\n    queueStats(intervalSeconds: 5) {\n      queued\n      active\n      deferred\n      held\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription QueueStatsLive {\n    queueStats(intervalSeconds: 5) {\n      queued\n      active\n      deferred\n      held\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeliveryFeed {\n    deliveryEvents {\n      outcome\n      domain\n      code\n      enhanced\n      category\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription DeliveryFeed {\n    deliveryEvents {\n      outcome\n      domain\n      code\n      enhanced\n      category\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LatestAlerts {\n    alerts(first: 5) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LatestAlerts {\n    alerts(first: 5) {\n      edges {\n        node {\n          id\n          kind\n          subject\n          raisedAt\n          isAcknowledged\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueuePage($first: Int!, $after: String, $filter: QueueFilterInput) {\n    queueEntries(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          mailFrom\n          subject\n          receivedAt\n          sizeBytes\n          submittedBy\n          recipients {\n            rcptTo\n            domain\n            state\n            attempts\n            lastAttemptAt\n            nextAttemptAt\n            lastMx\n            isLastTls\n            lastReply {\n              code\n              enhanced\n              text\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query QueuePage($first: Int!, $after: String, $filter: QueueFilterInput) {\n    queueEntries(first: $first, after: $after, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          mailFrom\n          subject\n          receivedAt\n          sizeBytes\n          submittedBy\n          recipients {\n            rcptTo\n            domain\n            state\n            attempts\n            lastAttemptAt\n            nextAttemptAt\n            lastMx\n            isLastTls\n            lastReply {\n              code\n              enhanced\n              text\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens {\n    apiTokens(first: 100) {\n      edges {\n        node {\n          id\n          name\n          scope\n          createdBy\n          createdAt\n          lastUsedAt\n          revokedAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens {\n    apiTokens(first: 100) {\n      edges {\n        node {\n          id\n          name\n          scope\n          createdBy\n          createdAt\n          lastUsedAt\n          revokedAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($name: String!, $scope: TokenScope!) {\n    createApiToken(name: $name, scope: $scope) { secret token { id name } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($name: String!, $scope: TokenScope!) {\n    createApiToken(name: $name, scope: $scope) { secret token { id name } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { token { id revokedAt } problem { code message } }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { token { id revokedAt } problem { code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SuppressionList($first: Int!, $after: String, $address: String, $source: String) {\n    suppressions(first: $first, after: $after, address: $address, source: $source) {\n      edges {\n        node {\n          id\n          address\n          recipientHash\n          scope\n          reason\n          source\n          createdAt\n          createdBy\n          expiresAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  query SuppressionList($first: Int!, $after: String, $address: String, $source: String) {\n    suppressions(first: $first, after: $after, address: $address, source: $source) {\n      edges {\n        node {\n          id\n          address\n          recipientHash\n          scope\n          reason\n          source\n          createdAt\n          createdBy\n          expiresAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddSuppression($address: String!, $reason: String!, $scope: String, $expiresAt: DateTime) {\n    addSuppression(address: $address, reason: $reason, scope: $scope, expiresAt: $expiresAt) {\n      suppression {\n        id\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddSuppression($address: String!, $reason: String!, $scope: String, $expiresAt: DateTime) {\n    addSuppression(address: $address, reason: $reason, scope: $scope, expiresAt: $expiresAt) {\n      suppression {\n        id\n      }\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveSuppression($address: String!, $scope: String) {\n    removeSuppression(address: $address, scope: $scope) {\n      removed\n      problem {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveSuppression($address: String!, $scope: String) {\n    removeSuppression(address: $address, scope: $scope) {\n      removed\n      problem {\n        code\n        message\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;