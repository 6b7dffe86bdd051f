import { Connection } from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { connectionOptions } from '../platform/temporal-connection';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/domain/search-attributes';

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];
/** Temporal's IndexedValueType numbers (temporal.api.enums.v1), which are part of its wire protocol. */
const INDEXED_VALUE_TYPE: Record<string, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/**
 * Registers the project's search attributes the namespace lacks. The dev server registers
 * them when it creates its database; one created by an older version of the project lacks
 * those added since, and a run that sets one then cannot progress.
 */
export async function addMissingSearchAttributes(
  temporal: Pick<Config['temporal'], 'address' | 'namespace' | 'apiKey' | 'tls'>,
): Promise<string[]> {
  const connection = await Connection.connect(await connectionOptions(temporal));
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({
      namespace: temporal.namespace,
    });
    const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
    if (!missing.length) return [];
    const searchAttributes = Object.fromEntries(
      missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type] as IndexedValueType]),
    );
    await connection.operatorService.addSearchAttributes({ namespace: temporal.namespace, searchAttributes });
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}
