// Entities managed through the ORM's unit of work. Hot queue paths use SQL
// through Db.query instead (FOR UPDATE SKIP LOCKED, batched upserts).
import { defineEntity, p } from '@mikro-orm/core';

export const SmtpUser = defineEntity({
  name: 'SmtpUser',
  tableName: 'smtp_user',
  properties: {
    login: p.string().primary(),
    passwordHash: p.string(),
    allowedSenders: p.json<string[]>(),
    isDisabled: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export const ALL_ENTITIES = [SmtpUser];
