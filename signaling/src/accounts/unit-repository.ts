import { Unit } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** Administrative units (province, district, commune) stored as Redis hashes, with an index of all. */
export class UnitRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(unit: Unit): Promise<void> {
    await this.redis
      .multi()
      .hSet(keys.unit(unit.id), {
        id: unit.id,
        name: unit.name,
        level: unit.level,
        // Redis hashes hold strings only: the root unit has an empty parentId.
        parentId: unit.parentId ?? '',
      })
      .sAdd(keys.unitIndex(), unit.id)
      .exec();
  }

  async get(unitId: string): Promise<Unit | null> {
    return fromFields(await this.redis.hGetAll(keys.unit(unitId)));
  }

  /** Looks up several units at once; missing ones are absent from the map. */
  async getMany(unitIds: Iterable<string>): Promise<Map<string, Unit>> {
    const ids = [...new Set(unitIds)];
    const units = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(units.filter((unit): unit is Unit => unit !== null).map((unit) => [unit.id, unit]));
  }

  /** The whole organisational tree (a province has a few hundred units at most). */
  async listAll(): Promise<Unit[]> {
    const ids = await this.redis.sMembers(keys.unitIndex());
    return [...(await this.getMany(ids)).values()];
  }

  async delete(unitId: string): Promise<void> {
    await this.redis.multi().del(keys.unit(unitId)).sRem(keys.unitIndex(), unitId).exec();
  }
}

function fromFields(fields: Record<string, string>): Unit | null {
  if (!fields.id) return null;
  return Unit.parse({ ...fields, parentId: fields.parentId || null });
}
