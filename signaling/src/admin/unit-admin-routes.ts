import { CreateUnitRequest, RequestError, UnitIdParams, UpdateUnitRequest, type Unit } from '@ehop/protocol';
import type { Router } from 'express';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { validated } from '../http/validate.js';
import { contentsOf, newUnitId, requireEmpty, requireValidPlacement } from './unit-tree-rules.js';

export interface UnitAdminOptions {
  users: UserRepository;
  units: UnitRepository;
}

/** `/api/admin/units`: create, rename, move (within the tree's rules), delete when empty. */
export function addUnitAdminRoutes(router: Router, { users, units }: UnitAdminOptions): void {
  router.post(
    '/units',
    validated({ body: CreateUnitRequest }, async ({ body }, _req, res) => {
      const parent = body.parentId === null ? null : await requireParent(units, body.parentId);
      requireValidPlacement(body.level, parent);
      const unit: Unit = { id: newUnitId(body.name), ...body };
      await units.save(unit);
      res.status(201).json(unit);
    }),
  );

  router.patch(
    '/units/:unitId',
    validated({ params: UnitIdParams, body: UpdateUnitRequest }, async ({ params, body }, _req, res) => {
      const unit = await requireUnit(units, params.unitId);
      if (body.parentId !== undefined) {
        const parent = body.parentId === null ? null : await requireParent(units, body.parentId);
        requireValidPlacement(unit.level, parent);
      }
      const changed: Unit = { ...unit, ...body };
      await units.save(changed);
      res.json(changed);
    }),
  );

  router.delete(
    '/units/:unitId',
    validated({ params: UnitIdParams }, async ({ params }, _req, res) => {
      const unit = await requireUnit(units, params.unitId);
      const accounts = await users.listAll();
      requireEmpty(contentsOf(unit.id, await units.listAll(), accounts.map((account) => account.unitId)));
      await units.delete(unit.id);
      res.status(204).end();
    }),
  );
}

async function requireUnit(units: UnitRepository, unitId: string): Promise<Unit> {
  const unit = await units.get(unitId);
  if (!unit) throw new RequestError('not_found', 'No such unit');
  return unit;
}

async function requireParent(units: UnitRepository, parentId: string): Promise<Unit> {
  const parent = await units.get(parentId);
  if (!parent) throw new RequestError('invalid_payload', `Unknown parent unit ${parentId}`);
  return parent;
}
