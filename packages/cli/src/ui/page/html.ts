import htm from "htm";
import { h } from "preact";

// Templates as tagged strings (htm) rendered by preact: components with no JSX, so no compiler
// between the source and what the browser runs beyond esbuild's bundling.
export const html = htm.bind(h);
