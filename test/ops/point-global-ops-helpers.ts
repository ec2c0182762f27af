/** Shared by the point-global-ops-*.test.ts files (split from one file): fixtures and helpers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createPipeline, parseOpString, ValidationError, type Pipeline } from '../../dist/src/index.js';
import { OpRegistry } from '../../dist/src/plan/registry.js';
import { validateParams } from '../../dist/src/model/param.js';
import { applyLut } from '../../dist/src/kernels/lut.js';
import { tilingInvariance, INVARIANCE_IMAGES } from '../invariance.js';
import { diffPixels, rawRgba, syntheticPng, syntheticRgba } from '../fixtures.js';


export const CHAINS: Record<string, string[]> = {
  brightness: ['brightness:factor=1.3'],
  'brightness dark': ['brightness:factor=0.45'],
  contrast: ['contrast:factor=1.7'],
  saturation: ['saturation:factor=1.8'],
  'saturation grey': ['saturation:factor=0'],
  hue: ['hue:degrees=75'],
  'hue negative': ['hue:degrees=-200'],
  levels: ['levels:black=20,white=230,gamma=1.4'],
  linear: ['linear:a=1.2 0.8 -0.5,b=10 -5 200'],
  'linear scalar': ['linear:a=1.5,b=-20'],
  threshold: ['threshold'],
  'threshold per channel': ['threshold:value=100,grayscale=false'],
  sepia: ['sepia:amount=0.8'],
  tint: ['tint:r=255,g=200,b=120'],
  'channel-mix 3x3': ['channel-mix:matrix=0.6 0.3 0.1 -0.2 1.2 0 0.1 0.1 0.9'],
  'channel-mix 4x4': ['channel-mix:matrix=1 0 0 0 0 0.9 0 0.1 0 0 1 0 0 0 0 0.7'],
  posterize: ['posterize:levels=5'],
  opacity: ['opacity:factor=0.6'],
  equalize: ['equalize'],
  'auto-white-balance': ['auto-white-balance'],
  crop: ['crop:left=7,top=5,width=50,height=40'],
  rotate: ['rotate:angle=30,background=255 0 0 128'],
  'rotate 90': ['rotate:angle=90'],
  flip: ['flip'],
  flop: ['flop'],
  extend: ['extend:top=3,right=10,bottom=5,left=1,background=0 255 0'],
  'extend mirror': ['extend:top=4,left=9,mode=mirror'],
  'fused luts': ['brightness:factor=1.2', 'contrast:factor=1.3', 'levels:black=10,white=240', 'linear:a=0.9,b=12', 'posterize:levels=9'],
  'global after halo': ['blur:sigma=1.5', 'equalize', 'saturation:factor=1.5', 'auto-white-balance', 'sharpen'],
  'mixed with geometry': ['hue:degrees=40', 'rotate:angle=-17', 'equalize', 'flop', 'threshold:value=90', 'extend:left=6,mode=copy', 'opacity:factor=0.5'],
};
export const GEOMETRY = new Set(['crop', 'rotate', 'rotate 90', 'flip', 'flop', 'extend', 'extend mirror', 'mixed with geometry']);
export const TILE_SIZES = [16, 37, 64];

/** A PNG with exactly these RGBA pixels (alpha kept, so every byte round-trips). */
export function pngOf(pixels: number[], width: number, height: number): Promise<Buffer> {
  return sharp(Uint8Array.from(pixels), { raw: { width, height, channels: 4 } }).png().toBuffer();
}

/** Opaque RGBA pixels from RGB triples. */
export function opaque(...rgb: number[][]): number[] {
  return rgb.flatMap(([r, g, b]) => [r, g, b, 255]);
}
