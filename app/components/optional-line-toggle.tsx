// The estimate editor's "Optional item" tick box on each line (issue 14): an optional line is offered to
// the customer as an extra they may tick when approving, and is outside the total until they do.
import { getInputProps, type FieldMetadata } from "./server-form";

export function OptionalLineToggle({ field, index }: { field: FieldMetadata<string | undefined>; index: number }) {
  return (
    <div>
      <label>
        <input {...getInputProps(field, { type: "checkbox" })} /> Optional item (line {index + 1}): the customer chooses whether to add it
      </label>
    </div>
  );
}
