"""The one form engine: question types, rules as JSON data, and a form's state from its
answers. eCRF, ePRO, eConsent, recruitment and the subject repository all use it."""
