/** Spike-train analysis (rates, ISI CV, spike-count correlations) and a small SVG writer for reports. */
export { SpikeCounter, meanRate, meanStd, median, histogram } from './rates.ts';
export { IsiAccumulator, isiCv } from './cv.ts';
export { BinnedCounts, pairwiseCorrelations, sampleIndices } from './correlation.ts';
export { barChart, histogramPanels, raster, svgDocument, ticks, esc, fmt, PALETTE, type BarSeries, type HistPanel, type RasterGroup } from './svg.ts';
export { fft, welch, peakFrequency, bandPower, floorPow2, BANDS, type Spectrum } from './spectrum.ts';
export { SheetActivity, layerOf, middleRow, defaultFrames, type SheetPopulation, type SheetActivityOptions } from './sheet.ts';
