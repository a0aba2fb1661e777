// The estimate editor's "Optional item" tick box on each line (issue 14): an optional line is offered to
// the customer as an extra they may tick when approving, and is outside the total until they do.
import { getInputProps, type FieldMetadata } from "@conform-to/react";

export function OptionalLineToggle({ field, index }: { field: FieldMetadata<string | undefined, Record<string, unknown>>; index: number }) {
  const { key, ...props } = getInputProps(field, { type: "checkbox" });
  return (
    <div>
      <label>
        <input key={key} {...props} /> Optional item (line {index + 1}): the customer chooses whether to add it
      </label>
    </div>
  );
}
