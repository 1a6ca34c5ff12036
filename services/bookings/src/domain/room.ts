/**
 * A room and who may change it. Pure rules.
 */
import type { Principal } from '@tessera/shared/auth';
import { RoomNotFoundError } from '../not-found-errors.ts';

interface Room {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly capacity: number;
  readonly pricePerHour: number;
  readonly currency: string;
  readonly description: string | null;
  readonly providerId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** The fields a change may set. */
const ROOM_FIELDS = ['name', 'type', 'capacity', 'pricePerHour', 'currency', 'description'] as const;

type RoomChanges = { readonly [F in (typeof ROOM_FIELDS)[number]]?: Room[F] | undefined };

/** The owning provider and admins change a room; to anyone else it is as if it did not exist. */
const assertMayManage = (room: Room | null, caller: Principal): Room => {
  if (!room || !(caller.role === 'admin' || room.providerId === caller.userId)) throw new RoomNotFoundError();
  return room;
};

export type { Room, RoomChanges };
export { assertMayManage, ROOM_FIELDS };
