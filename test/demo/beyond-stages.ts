/** Beyond one error: what the pipeline does on its schedules, across runs and after a deploy. */
import type { DemoStage, PipelineContext } from './context';
import { debtStage } from './debt-stage';
import { reportStage } from './report-stage';
import { rollbackStage } from './rollback-stage';

export const beyondStages: DemoStage<PipelineContext>[] = [debtStage, reportStage, rollbackStage];
