// Hand-written SQL of the contacts definitions (docs/tracing.md, API.md "Tracing"), the yardsticks of
// scripts/bench-tracing.ts: the same questions as the service, answered by one statement each on the same database,
// for SQLite and PostgreSQL. Named parameters: @person, @from, @to, @w (window ms), @wc (min(window, 2 min) ms),
// @limit, and @t0 @t1 @t2 (1 when the tier close, exposure, companion is asked).
//
// Presences. The index person's come from their scans in [from, to] by the rule itself (lead/lag per checkpoint: an
// "in" whose next scan there is an "out" at most 4 h later is a stay). Everyone else's are found through the
// database's stays (scans.stay_start, kept on each "out" by migration 0005's triggers) near each index presence:
//   - their scans within the window of the presence: an "out" ending a stay begun in range is that stay; an "in"
//     starting a stay that ends in range is that stay (its "out" found through the stay index); any other scan a point;
//   - their stays that span the whole widened presence (begun before it, ended after it).
// A presence found twice (by its "in" and its "out") is one row (UNION). Each (index presence, other presence) pair is
// an encounter; tiers, scores and the order follow the definitions, computed by the database.
import { MAX_STAY_MS } from '../../src/db/stays.ts'

export type Dialect = 'sqlite' | 'pg'

const CLOSE_GAP_MS = 120_000
const DAY_MS = 86_400_000
const SHANGHAI_MS = 8 * 3_600_000

/** Dialect pieces: two-argument max/min, and code-unit order for ids. */
function words (d: Dialect): { gt: string, lt: string, c: string } {
  return d === 'pg' ? { gt: 'greatest', lt: 'least', c: ' COLLATE "C"' } : { gt: 'max', lt: 'min', c: '' }
}

const plate = (col: string): string => `NULLIF(upper(replace(${col}, ' ', '')), '')`

/**
 * Presences (columns who, cp, s, e, st, pl) of the people whose scans are in `scans` (columns who, id, cp, t, d, pl),
 * by the rule: lead/lag per person and checkpoint.
 */
function presencesOf (scans: string, d: Dialect): string {
  const { c } = words(d)
  return `SELECT who, cp, t AS s, CASE WHEN d = 'in' AND nd = 'out' AND nt - t <= ${MAX_STAY_MS} THEN nt ELSE t END AS e,
      CASE WHEN d = 'in' AND nd = 'out' AND nt - t <= ${MAX_STAY_MS} THEN 1 ELSE 0 END AS st, pl
    FROM (SELECT who, cp, t, d, pl, lead(d) OVER w AS nd, lead(t) OVER w AS nt, lag(d) OVER w AS pd, lag(t) OVER w AS pt
      FROM ${scans} WINDOW w AS (PARTITION BY who, cp ORDER BY t, id${c})) x
    WHERE NOT (d = 'out' AND coalesce(pd, '') = 'in' AND t - pt <= ${MAX_STAY_MS})`
}

/**
 * Everyone else's presences meeting a presence of `src` (columns who, cp, s, e, st, pl) within `w` ms, from the CTE
 * `near` (nearCte): rows (who, cp, a_s, a_e, a_st, a_pl, p, s, e, st, pl), p never `exclude`. Plates are kept only when
 * the source presence has one (otherwise they cannot make the same vehicle); a stay found by its "out" reads its
 * plate from its "in".
 */
function othersNear (src: string, w: string, exclude: string, d: Dialect, near = 'near'): string {
  const stayIx = d === 'sqlite' ? ' INDEXED BY scans_checkpoint_stay_ix' : ''
  const inPlate = (p: string, cp: string, t: string): string =>
    `(SELECT ${plate('x.plate')} FROM scans x WHERE x.person_id = ${p} AND x.scanned_at = ${t} AND x.checkpoint_id = ${cp} AND x.direction = 'in' LIMIT 1)`
  const byOut = "n.d = 'out' AND n.ss >= @from"
  return `SELECT n.who, n.cp, n.a_s, n.a_e, n.a_st, n.a_pl, n.p,
        CASE WHEN ${byOut} THEN n.ss ELSE n.t END AS s,
        CASE WHEN n.xe IS NOT NULL THEN n.xe ELSE n.t END AS e,
        CASE WHEN (${byOut}) OR n.xe IS NOT NULL THEN 1 ELSE 0 END AS st,
        CASE WHEN n.a_pl IS NULL THEN NULL WHEN ${byOut} THEN ${inPlate('n.p', 'n.cp', 'n.ss')} ELSE ${plate('n.opl')} END AS pl
      FROM ${near} n
    UNION
    SELECT a.who, a.cp, a.s, a.e, a.st, a.pl, o.person_id, o.stay_start, o.scanned_at, 1,
        CASE WHEN a.pl IS NULL THEN NULL ELSE ${inPlate('o.person_id', 'o.checkpoint_id', 'o.stay_start')} END
      FROM ${src} a JOIN scans o${stayIx} ON o.checkpoint_id = a.cp AND o.stay_start > a.e + ${w} - ${MAX_STAY_MS} AND o.stay_start < a.s - ${w}
      WHERE o.stay_start IS NOT NULL AND o.stay_start >= @from AND o.scanned_at > a.e + ${w} AND o.scanned_at <= @to AND ${exclude.replaceAll('$p', 'o.person_id')}`
}

/**
 * The scans of others within `w` of a presence of `src`, as the CTE `name` othersNear reads; `xe`, for an "in" that
 * starts a stay (its person's next scan there is an "out" in range whose stay_start is this "in"), that stay's end.
 */
function nearCte (src: string, w: string, exclude: string, d: Dialect, name = 'near'): string {
  const stayIx = d === 'sqlite' ? ' INDEXED BY scans_checkpoint_stay_ix' : ''
  return `${name} AS MATERIALIZED (
    SELECT a.who, a.cp, a.s AS a_s, a.e AS a_e, a.st AS a_st, a.pl AS a_pl, o.person_id AS p, o.scanned_at AS t, o.direction AS d, o.stay_start AS ss, o.plate AS opl,
      CASE WHEN o.direction = 'in' THEN (SELECT x.scanned_at FROM scans x${stayIx}
        WHERE x.checkpoint_id = o.checkpoint_id AND x.stay_start = o.scanned_at AND x.person_id = o.person_id AND x.direction = 'out' AND x.scanned_at <= @to LIMIT 1) END AS xe
    FROM ${src} a JOIN scans o ON o.checkpoint_id = a.cp AND o.scanned_at BETWEEN a.s - ${w} AND a.e + ${w}
    WHERE o.scanned_at BETWEEN @from AND @to AND ${exclude.replaceAll('$p', 'o.person_id')})`
}

/** Encounters with gap, overlap (seconds), same vehicle, the Shanghai day of `at` (the other's start) and the kind. */
function encounters (pairs: string, d: Dialect): string {
  const { gt, lt } = words(d)
  return `SELECT b.who, b.cp, b.a_s, b.p, b.s, ck.kind AS kind,
      ${gt}(0, ${gt}(b.a_s, b.s) - ${lt}(b.a_e, b.e)) AS gap,
      CASE WHEN b.a_st = 1 AND b.st = 1 THEN ${gt}(0, ${lt}(b.a_e, b.e) - ${gt}(b.a_s, b.s)) / 1000 ELSE 0 END AS ov,
      CASE WHEN b.a_pl IS NOT NULL AND b.a_pl = b.pl THEN 1 ELSE 0 END AS same,
      b.a_st + b.st AS stays,
      (b.s + ${SHANGHAI_MS}) / ${DAY_MS} AS day
    FROM ${pairs} b JOIN checkpoints ck ON ck.id = b.cp`
}

/**
 * Tiers per encounter (0 close, 1 exposure, 2 companion) from `enc` (CTE name): close in one vehicle within 2 minutes,
 * or within 2 minutes on a Shanghai day on which the pair met within 2 minutes at two checkpoints or more.
 */
function tiered (enc: string): string {
  return `SELECT e.*, CASE WHEN e.gap <= ${CLOSE_GAP_MS} AND (e.same = 1 OR k.p IS NOT NULL) THEN 0 WHEN e.kind = 'venue' THEN 1 ELSE 2 END AS tier
    FROM ${enc} e LEFT JOIN (SELECT who, p, day FROM ${enc} WHERE gap <= ${CLOSE_GAP_MS} GROUP BY who, p, day HAVING count(DISTINCT cp) >= 2) k
      ON k.who = e.who AND k.p = e.p AND k.day = e.day`
}

/** Score term of one encounter: W × C × max(60, overlap seconds); the score is round(Σ / 600) / 10 (score10 here). */
function term (d: Dialect): string {
  const { gt } = words(d)
  return `(CASE WHEN same = 1 THEN 30 WHEN kind = 'venue' THEN 20 WHEN kind = 'traffic' THEN 2 ELSE 5 END)
    * (CASE stays WHEN 2 THEN 10 WHEN 1 THEN 7 ELSE 4 END) * ${gt}(60, ov)`
}

/** Depth 1 as CTEs, ending with `c1` (p, tier, score10, first_at, n) and `t1` (every encounter, tiered). */
function depthOneCtes (d: Dialect): string {
  const { c } = words(d)
  return `WITH mine AS MATERIALIZED (
    SELECT @person AS who, id, checkpoint_id AS cp, scanned_at AS t, direction AS d, ${plate('plate')} AS pl
    FROM scans WHERE person_id = @person AND scanned_at BETWEEN @from AND @to),
  ip AS MATERIALIZED (${presencesOf('mine', d)}),
  ${nearCte('ip', '@w', '$p <> @person', d)},
  pairs AS (${othersNear('ip', '@w', '$p <> @person', d)}),
  enc AS MATERIALIZED (${encounters('pairs', d)}),
  t1 AS MATERIALIZED (${tiered('enc')}),
  c1s AS MATERIALIZED (SELECT p, min(tier) AS tier, sum(${term(d)}) AS raw, min(s) AS first_at, count(*) AS n FROM t1 GROUP BY p),
  hm AS MATERIALIZED (SELECT id AS p FROM people WHERE household_id = (SELECT household_id FROM people WHERE id = @person) AND id <> @person),
  c1 AS MATERIALIZED (
    SELECT c1s.p, CASE WHEN hm.p IS NULL THEN c1s.tier ELSE 0 END AS tier,
      ${div(d, `c1s.raw + CASE WHEN hm.p IS NULL THEN 0 ELSE ${HOUSEHOLD_TERM} END + 300`)} AS score10,
      CASE WHEN hm.p IS NULL THEN c1s.first_at ELSE @from END AS first_at, c1s.n + CASE WHEN hm.p IS NULL THEN 0 ELSE 1 END AS n
    FROM c1s LEFT JOIN hm ON hm.p = c1s.p
    UNION ALL
    SELECT hm.p, 0, ${div(d, `${HOUSEHOLD_TERM} + 300`)}, @from, 1 FROM hm WHERE hm.p NOT IN (SELECT p FROM c1s))`.replace(/\$C/g, c)
}

/**
 * Housemates (docs/tracing.md, "Households"): close depth-1 contacts through one more encounter at @from whose term is
 * weight 3 × certainty 1.0 × 60 s (×10 each, as term()).
 */
const HOUSEHOLD_TERM = 30 * 10 * 60
/** Integer division rounding half up, as the service's Math.round(Σ / 600). */
const div = (d: Dialect, x: string): string => (d === 'pg' ? `div(${x}, 600)` : `(${x}) / 600`)

/** The totals of the answer on every row: depth-1 people per tier (total0 close, total1 exposure, total2 companion). */
const totals = (cond: string): string => [0, 1, 2].map((t) => `sum(CASE WHEN tier = ${t} AND ${cond} THEN 1 ELSE 0 END) OVER () AS total${t}`).join(', ')

const asked = '((tier = 0 AND @t0 = 1) OR (tier = 1 AND @t1 = 1) OR (tier = 2 AND @t2 = 1))'

/**
 * Depth 1: the first @limit contacts of the asked tiers in the answer's order, each with its tier's total (the
 * number of depth-1 people of that tier): columns person_id, tier, depth, score10, first_at, n, total0, total1, total2.
 */
export function depthOneSql (d: Dialect): string {
  const { c } = words(d)
  return `${depthOneCtes(d)}
  SELECT p AS person_id, tier, 1 AS depth, score10, first_at, n, ${totals('1 = 1')}
  FROM c1 WHERE ${asked}
  ORDER BY tier, score10 DESC, first_at, p${c} LIMIT @limit`
}

/**
 * Depth 2 (with depth 1): from the depth-1 contacts of tier close, everyone else (not the index person, not a
 * depth-1 contact of any tier) with a close encounter with one of them in which that contact's presence starts at or
 * after its first encounter with the index person; the B–C pair's tiers over all its encounters in range within
 * min(window, 2 min) (only close ones can count). Same columns as depthOneSql, depth 2 rows after depth 1's close ones.
 */
export function depthTwoSql (d: Dialect): string {
  const { c } = words(d)
  return `${depthOneCtes(d)},
  cb AS MATERIALIZED (SELECT p, first_at FROM c1 WHERE tier = 0),
  bscans AS MATERIALIZED (
    SELECT s.person_id AS who, s.id, s.checkpoint_id AS cp, s.scanned_at AS t, s.direction AS d, ${plate('s.plate')} AS pl
    FROM cb JOIN scans s ON s.person_id = cb.p AND s.scanned_at BETWEEN @from AND @to),
  bp AS MATERIALIZED (${presencesOf('bscans', d)}),
  ${nearCte('bp', '@wc', '$p <> @person AND $p NOT IN (SELECT p FROM c1)', d, 'near2')},
  pairs2 AS (${othersNear('bp', '@wc', '$p <> @person AND $p NOT IN (SELECT p FROM c1)', d, 'near2')}),
  enc2 AS MATERIALIZED (${encounters('pairs2', d)} WHERE ${words(d).gt}(0, ${words(d).gt}(b.a_s, b.s) - ${words(d).lt}(b.a_e, b.e)) <= @wc),
  t2 AS (${tiered('enc2')}),
  fwd AS (SELECT t2.* FROM t2 JOIN cb ON cb.p = t2.who WHERE t2.tier = 0 AND t2.a_s >= cb.first_at),
  c2 AS (SELECT p, 0 AS tier, ${d === 'pg' ? `div(sum(${term(d)}) + 300, 600)` : `(sum(${term(d)}) + 300) / 600`} AS score10, min(s) AS first_at, count(*) AS n FROM fwd GROUP BY p),
  allc AS (SELECT p, tier, 1 AS depth, score10, first_at, n FROM c1 UNION ALL SELECT p, tier, 2, score10, first_at, n FROM c2 WHERE @t0 = 1)
  SELECT p AS person_id, tier, depth, score10, first_at, n, ${totals('depth = 1')}, sum(CASE WHEN depth = 2 THEN 1 ELSE 0 END) OVER () AS depth2
  FROM allc WHERE ${asked}
  ORDER BY tier, depth, score10 DESC, first_at, p${c} LIMIT @limit`
}

/**
 * Exposure sites: the index person's presences widened by @w and merged per checkpoint when they overlap or touch;
 * per window, the other people with an encounter there (the index presence one of the window's), each once in the
 * highest tier of those encounters. Columns checkpoint_id, lo, hi, close, exposure, companion; by lo, checkpoint.
 */
export function sitesSql (d: Dialect): string {
  const { c } = words(d)
  return `${depthOneCtes(d)},
  win AS (SELECT cp, s - @w AS lo, e + @w AS hi, s AS a_s FROM ip),
  brk AS (SELECT cp, lo, hi, a_s, CASE WHEN lo <= max(hi) OVER (PARTITION BY cp ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS b FROM win),
  grp AS (SELECT cp, lo, hi, a_s, sum(b) OVER (PARTITION BY cp ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS g FROM brk),
  sites AS (SELECT cp, g, min(lo) AS lo, max(hi) AS hi FROM grp GROUP BY cp, g),
  per AS (SELECT grp.cp, grp.g, t1.p, min(t1.tier) AS tier FROM t1 JOIN grp ON grp.cp = t1.cp AND grp.a_s = t1.a_s GROUP BY grp.cp, grp.g, t1.p)
  SELECT sites.cp AS checkpoint_id, sites.lo, sites.hi,
    sum(CASE WHEN per.tier = 0 THEN 1 ELSE 0 END) AS close, sum(CASE WHEN per.tier = 1 THEN 1 ELSE 0 END) AS exposure,
    sum(CASE WHEN per.tier = 2 THEN 1 ELSE 0 END) AS companion
  FROM sites LEFT JOIN per ON per.cp = sites.cp AND per.g = sites.g
  GROUP BY sites.cp, sites.g, sites.lo, sites.hi
  ORDER BY sites.lo, sites.cp${c}`
}

export const TRAIL_SQL = `SELECT s.id, s.checkpoint_id, c.name, s.scanned_at, s.direction, s.color, s.decision, s.plate
  FROM scans s JOIN checkpoints c ON c.id = s.checkpoint_id
  WHERE s.person_id = @person AND s.scanned_at BETWEEN @from AND @to ORDER BY s.scanned_at, s.id`
