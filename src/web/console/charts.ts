// ECharts for the console, only what it draws (scatter + lines of checkpoint coordinates, the contact graph, the dashboard's bars), on
// canvas, with its accessible description on; no map component: nothing is fetched from outside the service.
import * as echarts from 'echarts/core'
import { BarChart, GraphChart, LineChart, ScatterChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue'

echarts.use([BarChart, GraphChart, LineChart, ScatterChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type Option = echarts.EChartsCoreOption

/** Draws `option()` into the element, again whenever `source` changes, and follows the element's size. */
export function useChart (el: Ref<HTMLElement | null>, option: () => Option | null, source: WatchSource): void {
  let chart: echarts.ECharts | null = null
  let observer: ResizeObserver | null = null
  const draw = (): void => {
    if (el.value === null) return
    const o = option()
    if (o === null) return
    chart ??= echarts.init(el.value)
    chart.setOption({ aria: { enabled: true }, animation: false, ...o }, true)
  }
  onMounted(() => {
    draw()
    if (el.value !== null) {
      observer = new ResizeObserver(() => { chart?.resize() })
      observer.observe(el.value)
    }
  })
  // After the DOM update: the element may appear with the data (inside a v-if).
  watch(source, draw, { deep: true, flush: 'post' })
  onBeforeUnmount(() => { observer?.disconnect(); chart?.dispose(); chart = null })
}

/** The tiers' colours on the drawings (the same as the tables' words; AA contrast on white). */
export const TIER_COLORS = { index: '#1f1f1f', close: '#b3261e', exposure: '#8a4b00', companion: '#0a62c9', secondary: '#6a1b9a' } as const
