// The confirmation page of "Void this invoice / estimate" (…/void, the way without JavaScript; see
// confirm-void.tsx): what voiding does to this document, "Keep it" and the button that voids it. Its loader
// and action are in app/web/void-document.server.ts.
import { Form, Link, useNavigation } from "@remix-run/react";
import { SubmitButton } from "./forms";

type VoidPageData = {
  kind: "invoice" | "estimate";
  documentPath: string;
  number: string;
  customerName: string;
  total: string;
  paid: string | null;
  sent: boolean;
};

/** The confirmation page (…/void): what voiding does to this document, "Keep it" and the button that voids it. */
export function ConfirmVoidPage({ data }: { data: VoidPageData }) {
  const navigation = useNavigation();
  return (
    <div className="stack narrow">
      <h1>Void {data.number}?</h1>
      <p>
        {data.number} for {data.customerName}, {data.total}
        {data.kind === "invoice" ? (
          <>
            {"."} {data.sent ? "The customer's pay link stops working at once." : "It stays in your records, marked void."} This cannot be undone.
            {data.paid ? ` The ${data.paid} already paid is not refunded by voiding.` : ""}
          </>
        ) : (
          ". The customer's link stops working and it can no longer be approved. This cannot be undone."
        )}
      </p>
      <Form method="post" className="actions">
        <Link to={data.documentPath} className="button button-secondary">
          Keep it
        </Link>
        <SubmitButton className="button-danger" pending={navigation.state === "submitting"}>
          Void {data.number}
        </SubmitButton>
      </Form>
    </div>
  );
}
