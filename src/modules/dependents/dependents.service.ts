// People cared for by others (家人代管, 代报): a resident's dependents and their codes, and declarations a grid worker,
// officer or admin makes for a person of the grids they reach. The people module keeps the rows; status the colours.
import type { Config } from '../../config.ts'
import { NotFound } from '../../errors.ts'
import type { Session } from '../../types.ts'
import type { AreasService } from '../areas/index.ts'
import type { CodesService } from '../codes/index.ts'
import type { PeopleService } from '../people/index.ts'
import type { ColorName, StatusService } from '../status/index.ts'

/** Dependents one resident may keep: elderly parents and children of one family (API.md). */
export const MAX_DEPENDENTS = 5

type Declaration = Parameters<StatusService['declare']>[1]

interface Deps { people: PeopleService, status: StatusService, codes: CodesService, areas: AreasService, config: Config }

export function createDependentsService ({ people, status, codes, areas, config }: Deps) {
  return {
    /** A new person without a phone in the resident's grid and household, whose code the resident keeps. */
    add: async (resident: Session, input: { name: string, idNumber: string }) => people.addDependent(resident, input, MAX_DEPENDENTS),

    /** The resident's dependents, oldest first, with their colours now. */
    async list (resident: Session): Promise<Array<{ personId: string, name: string | null, color: ColorName }>> {
      const at = config.now()
      return Promise.all((await people.dependentsOf(resident.sub)).map(async (p) => ({ personId: p.id, name: people.name(p), color: await status.colorOf(p.id, at) })))
    },

    /** A fresh live code of one of the resident's dependents (anyone else's → 404, as if unknown). */
    async code (resident: Session, personId: string) {
      if (await people.dependent(resident.sub, personId) === undefined) throw new NotFound(`personId: no dependent ${personId}`)
      return codes.live(personId)
    },

    release: async (resident: Session, personId: string): Promise<void> => people.releaseDependent(resident, personId),

    /**
     * A declaration made for a person of the grids the caller reaches (a grid worker at the door of someone without a
     * phone): the same rules as the person's own; the entries name the staff member; audited as declaration.by_proxy.
     * An unknown person, or one out of reach (audited as declaration.by_proxy.out_of_scope), → 404 alike.
     */
    async declareFor (actor: Session, personId: string, declaration: Declaration) {
      const message = `personId: no person ${personId}`
      const person = await people.get(personId)
      if (person === undefined) throw new NotFound(message)
      if (!(await areas.seesGrid(actor, person.gridId))) return areas.refuse(actor, { action: 'declaration.by_proxy', target: personId, message })
      return status.declare(personId, declaration, actor)
    }
  }
}
export type DependentsService = ReturnType<typeof createDependentsService>
