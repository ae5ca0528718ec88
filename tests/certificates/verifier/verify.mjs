// Verifies certificate credentials with Digital Bazaar's verifier stack, independent of
// the institute's Python code: @digitalbazaar/vc, data-integrity with the
// eddsa-rdfc-2022 cryptosuite, ed25519-multikey and vc-bitstring-status-list.
//
// Nothing is fetched: the document loader answers only from files handed over by the
// test (the institute's shipped contexts with their index.json, the DID document, the
// status list credentials) and refuses every other URL.
//
//   node verify.mjs MODULES CONTEXTS_DIR DID_DOCUMENT STATUS_LISTS_JSON CREDENTIAL...
//
// MODULES is the node_modules folder `make test` installs (.cache/vc-verifier/node_modules);
// STATUS_LISTS_JSON a file holding a list of status list credentials. Prints one JSON line
// per credential: {file, verified, revoked, error}.

import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [modules, contextsDir, didFile, statusListsFile, ...credentialFiles] = process.argv.slice(2);
if(!modules || !contextsDir || !didFile || !statusListsFile || credentialFiles.length === 0) {
  console.error('usage: node verify.mjs MODULES CONTEXTS_DIR DID_DOCUMENT STATUS_LISTS_JSON CREDENTIAL...');
  process.exit(2);
}

const require = createRequire(join(modules, 'resolver.cjs'));
const load = async name => import(pathToFileURL(require.resolve(name)).href);
const vc = await load('@digitalbazaar/vc');
const {DataIntegrityProof} = await load('@digitalbazaar/data-integrity');
const {cryptosuite: eddsaRdfc2022} = await load('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const {checkStatus} = await load('@digitalbazaar/vc-bitstring-status-list');

const readJson = path => JSON.parse(readFileSync(path, 'utf8'));

// URL → document: the contexts, the DID document (and its keys), the status lists.
const documents = new Map();
const index = readJson(join(contextsDir, 'index.json')).contexts;
for(const [url, {file}] of Object.entries(index)) {
  documents.set(url, readJson(join(contextsDir, file)));
}
const didDocument = readJson(didFile);
documents.set(didDocument.id, didDocument);
for(const method of didDocument.verificationMethod || []) {
  documents.set(method.id, {'@context': didDocument['@context'], ...method});
}
for(const list of readJson(statusListsFile)) {
  documents.set(list.id, list);
}

const documentLoader = async url => {
  if(!documents.has(url)) {
    throw new Error(`refused to load ${url}: not handed over`);
  }
  return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
};

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

for(const file of credentialFiles) {
  let line;
  try {
    const credential = readJson(file);
    const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
    const statuses = result.statusResult?.results || [];
    line = {
      file,
      verified: result.verified === true,
      revoked: statuses.length ? statuses.some(s => s.status === true) : null,
      error: result.verified ? null : _reason(result)
    };
  } catch(e) {
    line = {file, verified: false, revoked: null, error: e.message};
  }
  console.log(JSON.stringify(line));
}

function _reason(result) {
  const errors = [].concat(result.error?.errors || result.error || [],
    result.statusResult?.error || []);
  return errors.map(e => e.message || String(e)).join('; ') || 'not verified';
}
