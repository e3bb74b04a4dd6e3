import { eachDb, bearerOf } from './helper.ts'

eachDb('resident gets a code', async (t, ctx) => {
  const r = await ctx.resident()
  const res = await ctx.inject({ method: 'GET', url: '/v1/me/code', headers: bearerOf(r.token) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().color, 'green')
})
