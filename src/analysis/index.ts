/** Spike-train analysis (rates, ISI CV, spike-count correlations) and a small SVG writer for reports. */
export { SpikeCounter, meanRate, meanStd, median, histogram } from './rates.ts';
export { IsiAccumulator, isiCv } from './cv.ts';
export { BinnedCounts, pairwiseCorrelations, sampleIndices } from './correlation.ts';
export { barChart, histogramPanels, raster, svgDocument, ticks, esc, fmt, PALETTE, type BarSeries, type HistPanel, type RasterGroup } from './svg.ts';
