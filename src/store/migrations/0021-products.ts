// Migration 21: products under the Cyber Resilience Act (issue 20; docs/cra.md). Released: it
// never changes; a change is a new migration.
import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 21,
  name: 'products, product scopes, product lifecycle rules, CRA reports',
  // products: a record kind like authorisations (doc is the truth; status and manufacturer are
  // columns for filters). identity_products: identities' product scopes (channel '' for every
  // channel), what identity_scopes is for MiCA scopes: the cascade finds a product's identities
  // through it. transitions.products: the products a product transition moves (JSON list; NULL
  // for a transition of authorisations, whose authorisations column then holds '[]' for products).
  // product_lifecycle_rules: the versions of the CRA rules, as lifecycle_rules is for MiCA.
  // cra_reports: actively exploited vulnerabilities and severe incidents (CRA Art. 14) with their
  // reporting clock; an open exploited vulnerability puts its product's release signing under a
  // second approval (policies/lifecycle/cra-default.yaml).
  sql: `
CREATE TABLE products (
  id {{KEY}} PRIMARY KEY, manufacturer TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX products_status ON products (status, id);
CREATE TABLE identity_products (
  identity_id {{KEY}} NOT NULL, product {{KEY}} NOT NULL, channel {{KEY}} NOT NULL,
  PRIMARY KEY (identity_id, product, channel)
);
CREATE INDEX identity_products_product ON identity_products (product, identity_id);
ALTER TABLE transitions ADD COLUMN products TEXT;
CREATE TABLE product_lifecycle_rules (
  version INTEGER PRIMARY KEY, rules_id TEXT NOT NULL, doc TEXT NOT NULL, actor TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE cra_reports (
  id {{KEY}} PRIMARY KEY, product {{KEY}} NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  aware_at TEXT NOT NULL, owner TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX cra_reports_product ON cra_reports (product, status);
CREATE INDEX cra_reports_status ON cra_reports (status, aware_at);
`,
};
