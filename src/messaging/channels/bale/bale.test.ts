import { describeBotApiContract } from '../bot-api/contract.ts';
import { baleDriver } from './index.ts';

describeBotApiContract(baleDriver, { secretInQuery: true });
