import { LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
// Only the parts the pages draw: the whole of ECharts would triple the charts' bundle.
import {
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  LineChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** A grey line of text in the middle of an empty chart, saying why it is empty. */
export function emptyTitle(text: string | null): ChartOption {
  return text === null
    ? { show: false }
    : {
        text,
        left: 'center',
        top: 'middle',
        textStyle: { color: '#8c959f', fontSize: 13, fontWeight: 'normal' },
      };
}

/**
 * An Apache ECharts chart: made once, given each new option (ECharts diffs it, so live
 * updates animate instead of redrawing), resized with its box, disposed on unmount.
 */
export function Chart(props: { option: ChartOption; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true, lazyUpdate: true });
  }, [props.option]);

  return (
    <div
      ref={box}
      className="chart"
      data-testid={props.testId}
      style={{ height: props.height ?? 320 }}
    />
  );
}
