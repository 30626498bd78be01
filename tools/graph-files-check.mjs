// Loads the graph exports with the graph tools' own parsers and prints what
// they read, as one JSON line:
//
//   node tools/graph-files-check.mjs graph.graphml graph.graphology.json
//
// GraphML is read by graphology-graphml's parser (the one graphology's
// users import GraphML with), the graphology file by Graph.from and by
// graph.import into an empty graph. For each: the numbers of nodes and
// edges, the attributes of one node (by its key, the third argument) and
// of its first outgoing edge.
import { readFileSync } from 'node:fs';
import Graph from 'graphology';
import { parse } from 'graphology-graphml';

const [graphmlPath, graphologyPath, nodeKey] = process.argv.slice(2);
if (!graphmlPath || !graphologyPath || !nodeKey) {
  console.error('usage: graph-files-check.mjs GRAPHML GRAPHOLOGY_JSON NODE_KEY');
  process.exit(2);
}

function describe(graph) {
  const out = { order: graph.order, size: graph.size, type: graph.type, multi: graph.multi };
  if (graph.hasNode(nodeKey)) {
    out.node = graph.getNodeAttributes(nodeKey);
    const edge = graph.outEdges(nodeKey)[0];
    if (edge !== undefined) out.edge = graph.getEdgeAttributes(edge);
  }
  return out;
}

const graphml = parse(Graph, readFileSync(graphmlPath, 'utf8'), { addMissingNodes: false });
const serialized = JSON.parse(readFileSync(graphologyPath, 'utf8'));
const from = Graph.from(serialized);
const imported = new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
imported.import(serialized);

console.log(JSON.stringify({
  graphml: describe(graphml),
  graphologyFrom: describe(from),
  graphologyImport: describe(imported),
}));
