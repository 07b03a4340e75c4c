import { ReactNode, useId } from 'react';
import type { ApiProblem } from './api';
import { problemFor } from './api';
import type { Messages } from './i18n';

/** The API's refusal in the console's words when it has them, else the API's own reason. */
export function reasonText(t: Messages, problem: ApiProblem, reason?: string): string {
  return t.errors[problem.code] ?? reason ?? problem.message ?? problem.code;
}

/** A labelled input with the API's error for its field (or fields) right under it. */
export function Field(props: {
  readonly label: string;
  readonly problem?: ApiProblem;
  readonly fields: readonly string[];
  readonly t: Messages;
  readonly required?: boolean;
  readonly children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const error = problemFor(props.problem, ...props.fields);
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label}
        {props.required ? <span className="required"> * ({props.t.required})</span> : null}
      </label>
      {props.children(id, error ? errorId : undefined)}
      {error && props.problem ? (
        <p id={errorId} className="field-error" role="alert" data-field={error.field}>
          {reasonText(props.t, props.problem, error.reason)}
        </p>
      ) : null}
    </div>
  );
}

/** A refusal that names no field of the form, shown above it. */
export function FormProblem(props: { readonly t: Messages; readonly problem?: ApiProblem; readonly known: readonly string[] }) {
  const { problem } = props;
  if (!problem) return null;
  const unplaced = problem.fields.filter((entry) => !props.known.some((field) => entry.field === field || entry.field.startsWith(`${field}.`)));
  if (problem.fields.length > 0 && unplaced.length === 0) return null;
  return (
    <p className="form-error" role="alert">
      {unplaced.length > 0 ? unplaced.map((entry) => `${entry.field}: ${entry.reason}`).join('; ') : reasonText(props.t, problem)}
    </p>
  );
}

export function Loading({ t }: { readonly t: Messages }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {t.loading}
    </p>
  );
}
