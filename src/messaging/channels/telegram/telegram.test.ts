import { describeBotApiContract } from '../bot-api/contract.ts';
import { telegramDriver } from './index.ts';

describeBotApiContract(telegramDriver, { secretInQuery: false });
