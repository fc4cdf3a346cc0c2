// A custom samp target, as a user would publish one.
export { type Polarity, PolarityTarget } from './polarity.js';
