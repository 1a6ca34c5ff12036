export { applyUserEvent, USER_DIRECTORY_EVENTS } from './apply-user-event.ts';
export { createDirectoryStore } from './dynamodb-store.ts';
export type { DirectoryEntry, UserDirectory } from './ports.ts';
