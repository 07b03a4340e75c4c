import type { Provider, Type } from '@nestjs/common';
import { CLIENT_PHOTO_REMOVAL, HttpClientPhotoRemoval } from './client-photo-removal';
import { ApplyRetentionPolicyController } from '../apply-retention-policy/apply-retention-policy.http.controller';
import { ApplyRetentionPolicy } from '../apply-retention-policy/apply-retention-policy.service';
import { RetentionDailyJob } from '../follow-up/retention-daily-job';
import { GetRetentionPolicyController } from '../get-retention-policy/get-retention-policy.http.controller';
import { GetRetentionPolicy } from '../get-retention-policy/get-retention-policy.query';
import { GetRetentionRunController } from '../get-retention-run/get-retention-run.http.controller';
import { GetRetentionRun } from '../get-retention-run/get-retention-run.query';
import { LiftLegalHoldController } from '../lift-legal-hold/lift-legal-hold.http.controller';
import { LiftLegalHold } from '../lift-legal-hold/lift-legal-hold.service';
import { PlaceLegalHoldController } from '../place-legal-hold/place-legal-hold.http.controller';
import { PlaceLegalHold } from '../place-legal-hold/place-legal-hold.service';
import { SetRetentionPolicyController } from '../set-retention-policy/set-retention-policy.http.controller';
import { SetRetentionPolicy } from '../set-retention-policy/set-retention-policy.service';
import { DEFAULT_RETENTION_JOB_SCHEDULE, RETENTION_CLOCK, RETENTION_JOB_SCHEDULE, SYSTEM_CLOCK } from './retention-clock';
import { RetentionPolicies } from './retention-policies';
import { RetentionRuns } from './retention-runs';

/** The retention policy, its runs and the legal hold (docs/retention.md), listed once for ClientsFeatureModule. */
export const RETENTION_CONTROLLERS: Type[] = [
  GetRetentionPolicyController,
  SetRetentionPolicyController,
  ApplyRetentionPolicyController,
  GetRetentionRunController,
  PlaceLegalHoldController,
  LiftLegalHoldController,
];

/** Where the retention job removes photos: the media service. Absent, due photos are listed as skipped. */
export interface RetentionSettings {
  readonly photoRemoval?: { readonly mediaServiceUrl: string; readonly serviceTokenSecret: string };
}

export const retentionProviders = (settings: RetentionSettings): Provider[] => [
  {
    provide: CLIENT_PHOTO_REMOVAL,
    useValue: settings.photoRemoval ? new HttpClientPhotoRemoval(settings.photoRemoval.mediaServiceUrl, settings.photoRemoval.serviceTokenSecret) : null,
  },
  { provide: RETENTION_CLOCK, useValue: SYSTEM_CLOCK },
  { provide: RETENTION_JOB_SCHEDULE, useValue: DEFAULT_RETENTION_JOB_SCHEDULE },
  RetentionPolicies,
  RetentionRuns,
  GetRetentionPolicy,
  SetRetentionPolicy,
  ApplyRetentionPolicy,
  GetRetentionRun,
  PlaceLegalHold,
  LiftLegalHold,
  RetentionDailyJob,
];
